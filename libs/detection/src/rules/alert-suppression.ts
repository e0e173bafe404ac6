import type { Alert } from '@palisade/schema';
import { createAlert, type AlertDraft } from '../engine/alert.factory.js';
import type { EngineState } from '../engine/engine-state.js';
import type { CorrelationRuleDefinition } from './correlation-rule.js';

/**
 * A rule's suppression window for one group, persisted under `supp:<rule>:<group>`: opened by an alert,
 * it counts the firings it suppresses until the group's next alert reports them.
 */
export interface SuppressionRecord {
  rule: string;
  /** Event time (ms) of the alert that opened the window. */
  from: number;
  /** That alert's id. */
  alert: string;
  /** Firings suppressed since that alert, and the events they matched. */
  count: number;
  events: number;
  /** Event times (ms) of the earliest and latest suppressed firing. */
  first?: number;
  last?: number;
}

/** A rule's firing for one group, before suppression decides whether it becomes an alert. */
export interface RuleFiring {
  draft: AlertDraft;
  /** Event time of the firing (its latest event), ms. */
  at: number;
  group: string;
}

/** Suppressed firings per rule id (every firing of a rule is one of its hits or one of these). */
export const SUPPRESSED_KEY = 'suppressed';
/** How long a count of suppressed firings waits for its group's next alert (event time, after the last one). */
const PENDING_MS = 30 * 86_400_000;

function suppressionKey(ruleId: string, group: string): string {
  return `supp:${ruleId}:${group}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Whether the firing falls in its group's suppression window (within `suppress` of the alert that opened
 * it, before or after: a late event still counts); if so it is counted there and raises nothing.
 */
export function suppressFiring(state: EngineState, rule: CorrelationRuleDefinition, firing: RuleFiring): boolean {
  if (rule.suppressMs === undefined) return false;
  const key = suppressionKey(rule.id, firing.group);
  const record = state.get<SuppressionRecord>(key);
  if (!record || Math.abs(firing.at - record.from) > rule.suppressMs) return false;
  record.count += 1;
  record.events += firing.draft.eventIds.length;
  record.first = Math.min(record.first ?? firing.at, firing.at);
  record.last = Math.max(record.last ?? firing.at, firing.at);
  state.touch(key);
  const counts = state.get<Record<string, number>>(SUPPRESSED_KEY) ?? {};
  counts[rule.id] = (counts[rule.id] ?? 0) + 1;
  state.set(SUPPRESSED_KEY, counts);
  return true;
}

/** The draft with what was suppressed since the group's previous alert: a details entry and a sentence. */
function withSuppressed(draft: AlertDraft, record: SuppressionRecord): AlertDraft {
  const first = record.first ?? record.from;
  const last = record.last ?? record.from;
  const spanSeconds = Math.round((last - first) / 1000);
  const firings = record.count === 1 ? '1 further firing' : `${record.count} further firings`;
  const sentence = `${firings} for this group (${record.events} matching events) suppressed since the previous alert ${record.alert}, from ${iso(first)} to ${iso(last)} (${spanSeconds}s).`;
  const suppressed = { count: record.count, events: record.events, first: iso(first), last: iso(last), spanSeconds, previousAlertId: record.alert };
  return { ...draft, evidence: { ...draft.evidence, summary: `${draft.evidence.summary} ${sentence}`, details: { ...draft.evidence.details, suppressed } } };
}

/**
 * Makes the firing's alert: it reports the firings suppressed since the group's previous alert, and opens
 * the group's window when the rule has `suppress`. A late firing older than the open window (by more than
 * `suppress`) is raised as it is and leaves the window alone.
 */
export function raiseFiring(state: EngineState, rule: CorrelationRuleDefinition, firing: RuleFiring): Alert {
  const key = suppressionKey(rule.id, firing.group);
  const previous = state.get<SuppressionRecord>(key);
  if (previous && firing.at < previous.from) return createAlert(firing.draft);
  const alert = createAlert(previous && previous.count > 0 ? withSuppressed(firing.draft, previous) : firing.draft);
  if (rule.suppressMs !== undefined) state.set<SuppressionRecord>(key, { rule: rule.id, from: firing.at, alert: alert.id, count: 0, events: 0 });
  else if (previous) state.delete(key);
  return alert;
}

/**
 * Whether a suppression window can go (event time `now`): its rule is gone, or nothing is counted and
 * `suppress` plus `graceMs` (how late an event may arrive) has passed, or its count has waited 30 days.
 */
export function suppressionExpired(record: SuppressionRecord, rule: CorrelationRuleDefinition | undefined, now: number, graceMs: number): boolean {
  if (!rule) return true;
  if (record.count > 0) return now - (record.last ?? record.from) > PENDING_MS;
  return now - record.from > (rule.suppressMs ?? 0) + graceMs;
}
