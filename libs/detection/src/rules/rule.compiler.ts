import type { CorrelationRuleDefinition, FieldCondition } from './correlation-rule.js';
import { fieldAccessor, type CorrelationRecord, type FieldAccessor } from './correlation-record.js';

export type RecordPredicate = (record: CorrelationRecord) => boolean;

export interface CompiledStep {
  name: string;
  matches: RecordPredicate;
}

/** A rule ready to run: predicates and accessors built once. */
export interface CompiledRule {
  definition: CorrelationRuleDefinition;
  steps: CompiledStep[];
  groupBy: FieldAccessor[];
  distinct: FieldAccessor[];
  valueOf?: FieldAccessor;
  /** The smallest count that fires a count rule. */
  threshold: number;
  /** Methods (`tools/call`) and alert categories the rule can match; empty = any record. */
  indexKeys: string[];
}

function normalise(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function exists(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0) && value !== '';
}

function conditionPredicate(condition: FieldCondition): RecordPredicate {
  const read = fieldAccessor(condition.field);
  const targets = condition.values.map(normalise);
  const regexes = condition.modifier === 're' ? condition.values.map((v) => new RegExp(String(v), 'i')) : [];
  const test = (value: unknown): boolean => {
    const v = normalise(value);
    switch (condition.modifier) {
      case 'eq':
        return targets.some((t) => t === v || (typeof t !== 'string' && String(t) === String(v)) || (typeof t === 'string' && typeof v !== 'string' && v !== undefined && v !== null && t === String(v).toLowerCase()));
      case 'contains':
        return typeof v === 'string' && targets.some((t) => v.includes(String(t).toLowerCase()));
      case 'startswith':
        return typeof v === 'string' && targets.some((t) => v.startsWith(String(t).toLowerCase()));
      case 'endswith':
        return typeof v === 'string' && targets.some((t) => v.endsWith(String(t).toLowerCase()));
      case 're':
        return v !== undefined && v !== null && regexes.some((r) => r.test(String(value)));
      case 'gt':
        return typeof value === 'number' && targets.some((t) => value > Number(t));
      case 'gte':
        return typeof value === 'number' && targets.some((t) => value >= Number(t));
      case 'lt':
        return typeof value === 'number' && targets.some((t) => value < Number(t));
      case 'lte':
        return typeof value === 'number' && targets.some((t) => value <= Number(t));
      default:
        return false;
    }
  };
  if (condition.modifier === 'exists') {
    const wanted = condition.values[0] === true;
    return (record) => exists(read(record)) === wanted;
  }
  if (condition.modifier === 'not') {
    const eq = conditionPredicate({ ...condition, modifier: 'eq' });
    return (record) => !eq(record);
  }
  return (record) => {
    const value = read(record);
    return Array.isArray(value) ? value.some(test) : test(value);
  };
}

function stepPredicate(conditions: readonly FieldCondition[]): RecordPredicate {
  const predicates = conditions.map(conditionPredicate);
  return (record) => predicates.every((p) => p(record));
}

/** Index keys of a step: `method:<name>` or `alert:<category>` when the step pins one down. */
function stepIndexKeys(conditions: readonly FieldCondition[]): string[] | null {
  for (const condition of conditions) {
    if (condition.modifier !== 'eq') continue;
    if (condition.field === 'method' || condition.field === 'mcp.method.name') return condition.values.map((v) => `method:${String(v).toLowerCase()}`);
    if (condition.field === 'alert.category') return condition.values.map((v) => `alert:${String(v).toLowerCase()}`);
  }
  return null;
}

/** Builds predicates and accessors for one rule definition. */
export function compileRule(definition: CorrelationRuleDefinition): CompiledRule {
  const steps = definition.steps.map((step) => ({ name: step.name, matches: stepPredicate(step.where) }));
  const { gte, gt, eq } = definition.condition;
  const threshold = Math.max(1, gte ?? (gt !== undefined ? gt + 1 : (eq ?? 1)));
  const keys = definition.steps.map((step) => stepIndexKeys(step.where));
  return {
    definition,
    steps,
    groupBy: definition.groupBy.map(fieldAccessor),
    distinct: definition.distinct.map(fieldAccessor),
    ...(definition.valueField ? { valueOf: fieldAccessor(definition.valueField) } : {}),
    threshold,
    indexKeys: keys.some((k) => k === null) ? [] : [...new Set(keys.flat() as string[])],
  };
}

/** Rules by the record keys they can match (`method:tools/call`, `alert:description_drift`), and the rest. */
export interface RuleIndex {
  byKey: Map<string, CompiledRule[]>;
  any: CompiledRule[];
}

export function indexRules(rules: readonly CompiledRule[]): RuleIndex {
  const byKey = new Map<string, CompiledRule[]>();
  const any: CompiledRule[] = [];
  for (const rule of rules) {
    if (rule.indexKeys.length === 0) {
      any.push(rule);
      continue;
    }
    for (const key of rule.indexKeys) {
      const list = byKey.get(key) ?? [];
      list.push(rule);
      byKey.set(key, list);
    }
  }
  return { byKey, any };
}
