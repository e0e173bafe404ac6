import type { Alert } from '@palisade/schema';
import type { AlertDraft } from '../engine/alert.factory.js';
import type { EngineState } from '../engine/engine-state.js';
import { raiseFiring, suppressFiring, suppressionExpired, type RuleFiring, type SuppressionRecord } from './alert-suppression.js';
import type { CorrelationRecord } from './correlation-record.js';
import type { CompiledRule, RuleIndex } from './rule.compiler.js';

/** One contribution to a window: event id, time, and what to show the analyst. */
interface Contribution {
  /** Event id. */
  e: string;
  /** Event time, ms. */
  t: number;
  /** Step name. */
  n: string;
  s: string;
  tl: string | null;
  ss: string;
  /** Readable label (`tools/call send_email`, `alert description_drift (critical)`). */
  l: string;
  /** Fingerprint, for rules over findings. */
  f?: string;
  /** temporal_ordered with `distinct`: the record's values of the distinct fields. */
  d?: string[];
}

/** Window state of one rule for one group, persisted under `corr:<rule>:<group>`. */
interface GroupWindow {
  rule: string;
  /** Last activity (ms), for expiry. */
  last: number;
  /** event_count: recent contributions (at most the threshold). */
  events?: Contribution[];
  /** value_count: latest contribution per distinct value. */
  values?: Record<string, Contribution>;
  /** temporal: latest contribution per step. */
  steps?: Record<string, Contribution>;
  /** temporal_ordered: per step, its latest contributions (at most 8), oldest first by event time. */
  seen?: Contribution[][];
  /** temporal_ordered, as earlier versions kept it (the latest chain reaching each step): read once into `seen`. */
  chains?: ({ start: number; parts: Contribution[]; distinct: string[] } | null)[];
}

export const HITS_KEY = 'hits';
const MAX_GROUPS_PER_RULE = 10_000;
const MAX_PER_STEP = 8;

function label(record: CorrelationRecord): string {
  if (record.type === 'alert' && record.alert) return `alert ${record.alert.category} (${record.alert.severity})${record.remembered ? ' remembered' : ''}: ${record.alert.title}`;
  const event = record.event;
  const parts = [event['mcp.method.name'], record.tool ?? '', event['palisade.outcome'] !== 'ok' ? `[${event['palisade.outcome']}]` : ''];
  if (record.finding) parts.push(`${record.finding.where} ${record.finding.type} ${record.finding.fingerprint}`);
  return parts.filter(Boolean).join(' ');
}

function contribution(record: CorrelationRecord, step: string): Contribution {
  return { e: record.event.id, t: record.tsMs, n: step, s: record.server, tl: record.tool, ss: record.session, l: label(record), ...(record.finding ? { f: record.finding.fingerprint } : {}) };
}

function valueKey(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(String).sort().join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function groupKeyOf(rule: CompiledRule, record: CorrelationRecord): string | null {
  const parts: string[] = [];
  for (const read of rule.groupBy) {
    const key = valueKey(read(record));
    if (key === null) return null;
    parts.push(key);
  }
  return parts.join('\u001f');
}

/** Records expanded for a rule: once per finding of the event for `for_each: finding`. */
function expand(rule: CompiledRule, record: CorrelationRecord): CorrelationRecord[] {
  if (rule.definition.forEach !== 'finding') return [record];
  if (record.type !== 'event') return [];
  return (record.findings ?? []).map((finding) => ({ ...record, finding }));
}

function fire(rule: CompiledRule, parts: Contribution[], trigger: CorrelationRecord, group: string, count: number): RuleFiring {
  const definition = rule.definition;
  const attributed = (definition.attributeTo ? parts.find((p) => p.n === definition.attributeTo) : undefined) ?? parts[parts.length - 1];
  const source = definition.sourceStep ? parts.find((p) => p.n === definition.sourceStep) : undefined;
  const eventIds = [...new Set(parts.map((p) => p.e))];
  const fingerprints = [...new Set(parts.map((p) => p.f).filter((f): f is string => f !== undefined))];
  const span = parts.length > 1 ? Math.round(((parts[parts.length - 1]?.t ?? 0) - (parts[0]?.t ?? 0)) / 1000) : 0;
  const draft: AlertDraft = {
    ruleId: definition.id,
    ruleVersion: definition.version,
    category: definition.category,
    severity: definition.severity,
    title: definition.title,
    server: attributed?.s ?? trigger.server,
    tool: attributed ? attributed.tl : trigger.tool,
    sessionId: attributed?.ss ?? trigger.session,
    ts: latestTs(parts, trigger),
    eventIds,
    evidence: {
      summary: `${definition.title}: ${describe(rule, count, span, source)}`,
      matches: parts.map((p) => ({ field: `step ${p.n} @ ${p.s}${p.tl ? `/${p.tl}` : ''}`, text: p.l, signal: `${definition.kind} rule ${definition.id}` })),
      ...(source ? { source: { server: source.s, tool: source.tl, eventId: source.e } } : {}),
      ...(fingerprints.length > 0 ? { fingerprints } : {}),
      details: {
        rule: definition.id,
        kind: definition.kind,
        timespanSeconds: definition.timespanMs / 1000,
        groupBy: definition.groupBy,
        group: group.split('\u001f'),
        count,
        ...(definition.suppressMs !== undefined ? { suppressSeconds: definition.suppressMs / 1000 } : {}),
        ...(definition.file ? { file: definition.file } : {}),
      },
    },
  };
  return { draft, at: latestMs(parts, trigger), group };
}

function latestMs(parts: readonly Contribution[], trigger: CorrelationRecord): number {
  return parts.reduce((t, p) => Math.max(t, p.t), trigger.tsMs);
}

/** The alert's time: its latest event's (the trigger's, unless an earlier step arrived late). */
function latestTs(parts: readonly Contribution[], trigger: CorrelationRecord): string {
  const latest = latestMs(parts, trigger);
  return latest === trigger.tsMs ? trigger.event.ts : new Date(latest).toISOString();
}

function describe(rule: CompiledRule, count: number, spanSeconds: number, source: Contribution | undefined): string {
  const d = rule.definition;
  const window = `${d.timespanMs / 1000}s window`;
  const by = d.groupBy.length > 0 ? ` grouped by ${d.groupBy.join(', ')}` : '';
  switch (d.kind) {
    case 'event_count':
      return `${count} matching events within a ${window}${by}.`;
    case 'value_count':
      return `${count} distinct values of ${d.valueField ?? '?'} within a ${window}${by}.`;
    default:
      return `steps ${d.steps.map((s) => s.name).join(d.kind === 'temporal_ordered' ? ' → ' : ' + ')} matched within ${spanSeconds}s (${window}${by})${source ? `; source ${source.s}${source.tl ? `/${source.tl}` : ''}` : ''}.`;
  }
}

function within(rule: CompiledRule, now: number, then: number): boolean {
  return now - then <= rule.definition.timespanMs;
}

/** A temporal_ordered window's contributions per step (an earlier version's chains read into them). */
function orderedSteps(rule: CompiledRule, window: GroupWindow): Contribution[][] {
  const seen = rule.steps.map((_, i) => [...(window.seen?.[i] ?? [])]);
  for (const chain of window.chains ?? []) {
    chain?.parts.forEach((part, k) => {
      if (!seen[k]?.some((c) => c.e === part.e)) seen[k]?.push(k === chain.parts.length - 1 ? { ...part, d: chain.distinct } : part);
    });
  }
  delete window.chains;
  return seen.map((list) => list.sort((a, b) => a.t - b.t));
}

/**
 * temporal_ordered by event time, whatever the arrival order: a chain of one contribution per step, each
 * at or after the previous one (event time), all within the timespan, of different events, with `distinct`
 * fields differing between consecutive steps, that includes `fixed` at step `at`. Earlier steps prefer the
 * latest contribution, later steps the earliest. Null when there is none.
 */
function orderedChain(rule: CompiledRule, seen: readonly Contribution[][], at: number, fixed: Contribution, skewMs: number): Contribution[] | null {
  const n = rule.steps.length;
  const span = rule.definition.timespanMs;
  // Steps to fill: from the fixed one back to the first, then forward to the last.
  const order = [...Array.from({ length: at }, (_, k) => at - 1 - k), ...Array.from({ length: n - at - 1 }, (_, k) => at + 1 + k)];
  const chain: Contribution[] = [];
  chain[at] = fixed;
  const used = new Set([fixed.e]);
  const fill = (k: number): boolean => {
    const i = order[k];
    if (i === undefined) return chain[n - 1]!.t - chain[0]!.t <= span;
    const earlier = i < at;
    const neighbour = chain[earlier ? i + 1 : i - 1]!;
    const list = seen[i] ?? [];
    for (let j = 0; j < list.length; j += 1) {
      const c = list[earlier ? list.length - 1 - j : j]!;
      const [first, second] = earlier ? [c, neighbour] : [neighbour, c];
      // Across servers (two collectors, two clocks) a step may be up to the clock skew earlier.
      if (first.t > second.t + (first.s === second.s ? 0 : skewMs) || Math.abs(c.t - fixed.t) > span || used.has(c.e)) continue;
      if (rule.distinct.length > 0 && first.d?.some((v, m) => v === second.d?.[m])) continue;
      chain[i] = c;
      used.add(c.e);
      if (fill(k + 1)) return true;
      used.delete(c.e);
    }
    return false;
  };
  return fill(0) ? chain : null;
}

/** Applies one record to one rule's window for its group; returns the firing when the rule fires. */
function apply(rule: CompiledRule, state: EngineState, record: CorrelationRecord, skewMs: number): RuleFiring | null {
  let any = false;
  const matched: boolean[] = [];
  for (const step of rule.steps) {
    const hit = step.matches(record);
    matched.push(hit);
    any ||= hit;
  }
  if (!any) return null;
  const group = groupKeyOf(rule, record);
  if (group === null) return null;
  const key = `corr:${rule.definition.id}:${group}`;
  const window = state.get<GroupWindow>(key) ?? { rule: rule.definition.id, last: record.tsMs };
  const now = record.tsMs;
  window.last = Math.max(window.last, now);
  let firing: RuleFiring | null = null;
  const d = rule.definition;

  if (d.kind === 'event_count') {
    const events = (window.events ?? []).filter((c) => within(rule, now, c.t));
    if (!events.some((c) => c.e === record.event.id && c.f === record.finding?.fingerprint)) events.push(contribution(record, 'match'));
    if (events.length >= rule.threshold) {
      firing = fire(rule, events, record, group, events.length);
      window.events = [];
    } else window.events = events.slice(-rule.threshold);
  } else if (d.kind === 'value_count') {
    const value = valueKey(rule.valueOf?.(record));
    if (value === null) return null;
    const values: Record<string, Contribution> = {};
    for (const [v, c] of Object.entries(window.values ?? {})) if (within(rule, now, c.t)) values[v] = c;
    values[value] = contribution(record, 'match');
    const distinct = Object.keys(values).length;
    if (distinct >= rule.threshold) {
      firing = fire(rule, Object.values(values), record, group, distinct);
      window.values = {};
    } else window.values = values;
  } else if (d.kind === 'temporal') {
    const steps: Record<string, Contribution> = {};
    // Event time, not arrival: kept while within the timespan of the newest, fired when all steps fit in it.
    for (const [name, c] of Object.entries(window.steps ?? {})) if (within(rule, window.last, c.t)) steps[name] = c;
    rule.steps.forEach((step, i) => {
      if (matched[i]) steps[step.name] = contribution(record, step.name);
    });
    const parts = rule.steps.map((s) => steps[s.name]).filter((c): c is Contribution => c !== undefined).sort((a, b) => a.t - b.t);
    if (parts.length === rule.steps.length && within(rule, parts[parts.length - 1]!.t, parts[0]!.t)) {
      firing = fire(rule, parts, record, group, rule.steps.length);
      window.steps = {};
    } else window.steps = steps;
  } else {
    const seen = orderedSteps(rule, window);
    const distinct = rule.distinct.length > 0 ? { d: rule.distinct.map((read) => valueKey(read(record)) ?? '') } : {};
    for (let i = rule.steps.length - 1; i >= 0 && !firing; i -= 1) {
      const step = rule.steps[i];
      if (!matched[i] || !step) continue;
      const chain = orderedChain(rule, seen, i, { ...contribution(record, step.name), ...distinct }, skewMs);
      if (chain) firing = fire(rule, chain, record, group, chain.length);
    }
    if (firing) window.seen = [];
    else {
      rule.steps.forEach((step, i) => {
        if (!matched[i]) return;
        const kept = (seen[i] ?? []).filter((c) => within(rule, window.last, c.t) && !(c.e === record.event.id && c.f === record.finding?.fingerprint));
        const list = [...kept, { ...contribution(record, step.name), ...distinct }].sort((a, b) => a.t - b.t);
        seen[i] = list.slice(-MAX_PER_STEP);
      });
      window.seen = seen;
    }
  }
  state.set(key, window);
  return firing;
}

/** Whether tuning mutes an alert the rule would raise (a muted detector, an exception). */
export type MutedAlert = (draft: AlertDraft) => boolean;

/**
 * Runs the enabled correlation rules over the records of one event (the event itself, then the alerts
 * raised on it): candidate rules come from the index (by method and alert category). Returns the alerts
 * raised: a firing muted by tuning raises nothing, and one in its group's suppression window (`suppress`)
 * is counted there instead. Hit counts (`hits`: every firing not suppressed) and suppressed counts
 * (`suppressed`) are kept in the state. `clockSkewMs` is the engine's option (no default here, so the
 * evaluator cannot drift from the engine's own).
 */
export function evaluateCorrelation(index: RuleIndex, disabled: ReadonlySet<string>, state: EngineState, records: readonly CorrelationRecord[], clockSkewMs: number, muted: MutedAlert = () => false): Alert[] {
  const alerts: Alert[] = [];
  for (const record of records) {
    const key = record.type === 'alert' ? `alert:${record.alert?.category ?? ''}` : `method:${record.event['mcp.method.name'].toLowerCase()}`;
    const candidates = index.byKey.get(key);
    const rules = candidates ? (index.any.length > 0 ? [...candidates, ...index.any] : candidates) : index.any;
    for (const rule of rules) {
      if (disabled.has(rule.definition.id)) continue;
      for (const expanded of rule.definition.forEach === 'finding' ? expand(rule, record) : [record]) {
        const firing = apply(rule, state, expanded, clockSkewMs);
        if (!firing) continue;
        const silenced = muted(firing.draft);
        if (!silenced && suppressFiring(state, rule.definition, firing)) continue;
        const hits = state.get<Record<string, number>>(HITS_KEY) ?? {};
        hits[rule.definition.id] = (hits[rule.definition.id] ?? 0) + 1;
        state.set(HITS_KEY, hits);
        if (!silenced) alerts.push(raiseFiring(state, rule.definition, firing));
      }
    }
  }
  return alerts;
}

/**
 * Drops correlation windows idle longer than their rule's timespan and suppression windows that are over
 * (see `suppressionExpired`; `graceMs`: how late an event may arrive), and the oldest beyond the cap.
 */
export function sweepCorrelationWindows(state: EngineState, rules: readonly CompiledRule[], now: number, graceMs = 0): void {
  const definitions = new Map(rules.map((r) => [r.definition.id, r.definition]));
  const perRule = new Map<string, { key: string; last: number }[]>();
  const keep = (kind: string, rule: string, key: string, last: number): void => {
    const list = perRule.get(`${kind}${rule}`) ?? [];
    list.push({ key, last });
    perRule.set(`${kind}${rule}`, list);
  };
  for (const key of [...state.keysWithPrefix('corr:')]) {
    const window = state.get<GroupWindow>(key);
    const timespan = window ? definitions.get(window.rule)?.timespanMs : undefined;
    if (!window || timespan === undefined || now - window.last > timespan) state.delete(key);
    else keep('corr:', window.rule, key, window.last);
  }
  for (const key of [...state.keysWithPrefix('supp:')]) {
    const record = state.get<SuppressionRecord>(key);
    if (!record || suppressionExpired(record, definitions.get(record.rule), now, graceMs)) state.delete(key);
    else keep('supp:', record.rule, key, Math.max(record.from, record.last ?? 0));
  }
  for (const list of perRule.values()) {
    if (list.length <= MAX_GROUPS_PER_RULE) continue;
    list.sort((a, b) => a.last - b.last);
    for (const { key } of list.slice(0, list.length - MAX_GROUPS_PER_RULE)) state.delete(key);
  }
}
