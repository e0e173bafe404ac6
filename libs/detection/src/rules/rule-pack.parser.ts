import { ALERT_CATEGORIES, Severity, type AlertCategory } from '@palisade/schema';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import {
  MATCH_MODIFIERS,
  RULE_KINDS,
  type CorrelationRuleDefinition,
  type CountCondition,
  type FieldCondition,
  type MatchModifier,
  type RuleExample,
  type RuleKind,
  type RuleLoadError,
  type RuleStep,
} from './correlation-rule.js';

/** A rule file as the loader read it. */
export interface RuleFile {
  path: string;
  text: string;
}

export interface RulePackParseResult {
  rules: CorrelationRuleDefinition[];
  /** Every error of every file, each with file and line; a rule with errors is left out. */
  errors: RuleLoadError[];
}

const RULE_KEYS = new Set(['id', 'version', 'title', 'description', 'category', 'severity', 'kind', 'timespan', 'group_by', 'steps', 'where', 'condition', 'value_field', 'for_each', 'distinct', 'attribute_to', 'source_step', 'suppress', 'enabled', 'examples', 'tags', 'references', 'author']);
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_TIMESPAN_MS = 30 * 86_400_000;

type Path = (string | number)[];

/** Collects errors for one document, each located at the YAML node of a path. */
class DocumentErrors {
  readonly errors: RuleLoadError[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  lineOf(path: Path): number {
    // The line of the key itself when the path ends at a map entry (`steps:` rather than its first item).
    const last = path[path.length - 1];
    const parent = path.length <= 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    if (last !== undefined && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return this.lines.linePos(range[0]).line;
    }
    for (let i = path.length; i >= 0; i -= 1) {
      const node = i === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, i), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return 1;
  }

  add(path: Path, message: string): void {
    this.errors.push({ file: this.file, line: this.lineOf(path), message });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseDuration(value: unknown): number | null {
  if (typeof value === 'number' && value > 0) return value * 1000;
  if (typeof value !== 'string') return null;
  const match = DURATION.exec(value.trim());
  return match ? Number(match[1]) * (DURATION_MS[match[2] ?? 's'] ?? 1000) : null;
}

function parseWhere(value: unknown, path: Path, errors: DocumentErrors): FieldCondition[] {
  if (!isRecord(value) || Object.keys(value).length === 0) {
    errors.add(path, 'expected a non-empty map of `field|modifier: value` conditions');
    return [];
  }
  const conditions: FieldCondition[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const [field, modifier = 'eq', ...rest] = key.split('|');
    const where = [...path, key];
    if (!field || rest.length > 0) {
      errors.add(where, `invalid condition key "${key}" (expected field or field|modifier)`);
      continue;
    }
    if (!(MATCH_MODIFIERS as readonly string[]).includes(modifier)) {
      errors.add(where, `unknown modifier "${modifier}" (expected one of ${MATCH_MODIFIERS.join(', ')})`);
      continue;
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.some((v) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))) {
      errors.add(where, `condition "${key}" needs a scalar or a list of scalars`);
      continue;
    }
    if (modifier === 'exists' && (values.length !== 1 || typeof values[0] !== 'boolean')) {
      errors.add(where, `"${key}" takes true or false`);
      continue;
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(modifier) && values.some((v) => typeof v !== 'number')) {
      errors.add(where, `"${key}" compares numbers`);
      continue;
    }
    if (modifier === 're') {
      const bad = values.find((v) => {
        try {
          new RegExp(String(v), 'i');
          return false;
        } catch {
          return true;
        }
      });
      if (bad !== undefined) {
        errors.add(where, `invalid regular expression ${JSON.stringify(bad)}`);
        continue;
      }
    }
    conditions.push({ field, modifier: modifier as MatchModifier, values: values as FieldCondition['values'] });
  }
  return conditions;
}

function parseCondition(value: unknown, path: Path, errors: DocumentErrors): CountCondition {
  if (!isRecord(value)) {
    errors.add(path, 'expected a condition such as `{ gte: 3 }`');
    return {};
  }
  const condition: CountCondition = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!['gte', 'gt', 'lte', 'lt', 'eq'].includes(key)) errors.add([...path, key], `unknown comparison "${key}" (gte, gt, lte, lt, eq)`);
    else if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) errors.add([...path, key], `"${key}" needs a non-negative integer`);
    else condition[key as keyof CountCondition] = raw;
  }
  if (condition.gte === undefined && condition.gt === undefined && condition.eq === undefined) errors.add(path, 'a count condition needs gte, gt or eq');
  return condition;
}

function stringList(value: unknown, path: Path, errors: DocumentErrors, what: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v.length === 0)) {
    errors.add(path, `${what} must be a field name or a list of field names`);
    return [];
  }
  return list as string[];
}

function parseExamples(value: unknown, errors: DocumentErrors): RuleExample[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.add(['examples'], 'examples must be a list');
    return [];
  }
  const examples: RuleExample[] = [];
  value.forEach((raw, i) => {
    const path = ['examples', i];
    if (!isRecord(raw)) return errors.add(path, 'an example is a map with name, expect and events');
    const expect = raw['expect'];
    if (expect !== 'match' && expect !== 'no_match') errors.add([...path, 'expect'], 'expect must be `match` or `no_match`');
    const events = raw['events'];
    if (!Array.isArray(events) || events.length === 0 || !events.every(isRecord)) errors.add([...path, 'events'], 'events must be a non-empty list of maps');
    const counts: Pick<RuleExample, 'alerts' | 'suppressed'> = {};
    for (const [key, least] of [['alerts', 1], ['suppressed', 0]] as const) {
      const count = raw[key];
      if (count === undefined) continue;
      if (expect !== 'match') errors.add([...path, key], `${key} applies to examples that expect a match`);
      else if (typeof count !== 'number' || !Number.isInteger(count) || count < least) errors.add([...path, key], `${key} must be an integer of at least ${least}`);
      else counts[key] = count;
    }
    if (expect === 'match' || expect === 'no_match') {
      if (Array.isArray(events) && events.every(isRecord)) examples.push({ name: typeof raw['name'] === 'string' ? raw['name'] : `example ${i + 1}`, expect, events, ...counts });
    }
  });
  return examples;
}

function parseRule(doc: Document, file: string, errors: DocumentErrors): CorrelationRuleDefinition | null {
  const before = errors.errors.length;
  const raw: unknown = doc.toJS({ maxAliasCount: 50 });
  if (!isRecord(raw)) {
    errors.add([], 'a rule must be a YAML map');
    return null;
  }
  for (const key of Object.keys(raw)) if (!RULE_KEYS.has(key)) errors.add([key], `unknown key "${key}"`);

  const id = raw['id'];
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9._-]{2,119}$/.test(id)) errors.add(['id'], 'id is required: 3–120 lower-case letters, digits, dot, dash or underscore');
  const version = raw['version'] ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) errors.add(['version'], 'version must be a positive integer');
  const title = raw['title'];
  if (typeof title !== 'string' || title.trim().length === 0 || title.length > 300) errors.add(['title'], 'title is required (at most 300 characters)');
  const description = raw['description'] ?? '';
  if (typeof description !== 'string' || description.length > 4000) errors.add(['description'], 'description must be text (at most 4000 characters)');
  const category = raw['category'] ?? 'correlation';
  if (typeof category !== 'string' || !(ALERT_CATEGORIES as readonly string[]).includes(category)) errors.add(['category'], `category must be one of ${ALERT_CATEGORIES.join(', ')}`);
  const severity = Severity.safeParse(raw['severity']);
  if (!severity.success) errors.add(['severity'], 'severity is required: low, medium, high or critical');
  const kind = raw['kind'];
  if (typeof kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(kind)) errors.add(['kind'], `kind is required: ${RULE_KINDS.join(', ')}`);
  const timespanMs = parseDuration(raw['timespan']);
  if (timespanMs === null || timespanMs > MAX_TIMESPAN_MS) errors.add(['timespan'], 'timespan is required, e.g. 90s, 10m, 1h, 1d (at most 30d)');
  const groupBy = stringList(raw['group_by'], ['group_by'], errors, 'group_by');
  const distinct = stringList(raw['distinct'], ['distinct'], errors, 'distinct');
  const enabled = raw['enabled'] ?? true;
  if (typeof enabled !== 'boolean') errors.add(['enabled'], 'enabled must be true or false');
  const suppress = raw['suppress'];
  const suppressMs = suppress === undefined ? undefined : parseDuration(suppress);
  if (suppressMs === null || (suppressMs !== undefined && (suppressMs <= 0 || suppressMs > MAX_TIMESPAN_MS))) {
    errors.add(['suppress'], `suppress must be a duration such as 10m or 1h (more than 0, at most 30d), not ${JSON.stringify(suppress)}`);
  }
  const forEach = raw['for_each'];
  if (forEach !== undefined && forEach !== 'finding') errors.add(['for_each'], 'for_each supports only `finding`');

  let steps: RuleStep[] = [];
  let condition: CountCondition = {};
  let valueField: string | undefined;
  if (kind === 'temporal' || kind === 'temporal_ordered') {
    const rawSteps = raw['steps'];
    if (!Array.isArray(rawSteps) || rawSteps.length < 2) errors.add(['steps'], `${kind} needs at least two steps`);
    if (Array.isArray(rawSteps)) {
      const names = new Set<string>();
      steps = rawSteps.map((step, i) => {
        if (!isRecord(step)) {
          errors.add(['steps', i], 'a step is a map with name and where');
          return { name: `step${i + 1}`, where: [] };
        }
        const name = typeof step['name'] === 'string' ? step['name'] : `step${i + 1}`;
        if (names.has(name)) errors.add(['steps', i, 'name'], `duplicate step name "${name}"`);
        names.add(name);
        for (const key of Object.keys(step)) if (key !== 'name' && key !== 'where') errors.add(['steps', i, key], `unknown step key "${key}"`);
        return { name, where: parseWhere(step['where'], ['steps', i, 'where'], errors) };
      });
    }
    if (raw['where'] !== undefined) errors.add(['where'], `${kind} rules use steps, not where`);
  } else if (kind === 'event_count' || kind === 'value_count') {
    steps = [{ name: 'match', where: parseWhere(raw['where'], ['where'], errors) }];
    condition = parseCondition(raw['condition'], ['condition'], errors);
    if (raw['steps'] !== undefined) errors.add(['steps'], `${kind} rules use where, not steps`);
    if (kind === 'value_count') {
      const field = raw['value_field'];
      if (typeof field !== 'string' || field.length === 0) errors.add(['value_field'], 'value_count needs value_field');
      else valueField = field;
    }
  }
  const stepNames = new Set(steps.map((s) => s.name));
  const attributeTo = raw['attribute_to'];
  if (attributeTo !== undefined && (typeof attributeTo !== 'string' || !stepNames.has(attributeTo))) errors.add(['attribute_to'], 'attribute_to must name a step');
  const sourceStep = raw['source_step'];
  if (sourceStep !== undefined && (typeof sourceStep !== 'string' || !stepNames.has(sourceStep))) errors.add(['source_step'], 'source_step must name a step');
  if (distinct.length > 0 && kind !== 'temporal_ordered') errors.add(['distinct'], 'distinct applies to temporal_ordered rules');
  const examples = parseExamples(raw['examples'], errors);

  if (errors.errors.length > before) return null;
  return {
    id: id as string,
    version: version as number,
    title: (title as string).trim(),
    description: (description as string).trim(),
    category: category as AlertCategory,
    severity: severity.data as Severity,
    kind: kind as RuleKind,
    timespanMs: timespanMs as number,
    groupBy,
    steps,
    condition,
    ...(valueField !== undefined ? { valueField } : {}),
    ...(forEach === 'finding' ? { forEach: 'finding' as const } : {}),
    distinct,
    ...(typeof attributeTo === 'string' ? { attributeTo } : {}),
    ...(typeof sourceStep === 'string' ? { sourceStep } : {}),
    ...(typeof suppressMs === 'number' ? { suppressMs } : {}),
    enabled: enabled as boolean,
    examples,
    file: `${file}:${errors.lineOf([])}`,
  };
}

/**
 * Parses and validates a pack of YAML rule files (one rule per YAML document; `---` separates several
 * in one file). Never throws: every error of every file is returned with its file and line, and the
 * valid rules are returned beside them. Duplicate ids across files are errors.
 */
export function parseRulePack(files: readonly RuleFile[]): RulePackParseResult {
  const rules: CorrelationRuleDefinition[] = [];
  const errors: RuleLoadError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const lines = new LineCounter();
    let docs: Document[];
    try {
      docs = parseAllDocuments(file.text, { lineCounter: lines, prettyErrors: false }) as Document[];
    } catch (error) {
      errors.push({ file: file.path, line: 1, message: `cannot parse YAML: ${(error as Error).message}` });
      continue;
    }
    if (!Array.isArray(docs)) docs = [];
    for (const doc of docs) {
      const docErrors = new DocumentErrors(file.path, doc, lines);
      if (doc.errors.length > 0) {
        for (const error of doc.errors) errors.push({ file: file.path, line: error.linePos?.[0]?.line ?? 1, message: error.message.split('\n')[0] ?? 'YAML error' });
        continue;
      }
      if (doc.contents === null) continue;
      if (!isMap(doc.contents)) {
        docErrors.add([], 'a rule must be a YAML map');
        errors.push(...docErrors.errors);
        continue;
      }
      const rule = parseRule(doc, file.path, docErrors);
      errors.push(...docErrors.errors);
      if (!rule) continue;
      const previous = seen.get(rule.id);
      if (previous) {
        errors.push({ file: file.path, line: docErrors.lineOf(['id']), message: `duplicate rule id "${rule.id}" (first defined at ${previous})` });
        continue;
      }
      seen.set(rule.id, rule.file ?? file.path);
      rules.push(rule);
    }
  }
  return { rules, errors: errors.sort((a, b) => (a.file === b.file ? a.line - b.line : 0)) };
}
