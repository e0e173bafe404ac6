import type { Alert, BaselineTuningInput, TelemetryEvent } from '@palisade/schema';
import { suppressedBy } from './alert.factory.js';
import type { CompiledEngine } from './compile-engine.js';
import { resolveTuning } from './engine-options.js';
import { createState, importState, type StateEntry } from './engine-state.js';
import { evaluate } from './evaluate.js';

/** The alerts a replay raises with two engines (the saved tuning, a proposed one), and how they differ. */
export interface TuningComparison {
  current: Alert[];
  proposed: Alert[];
  /** Raised with the proposed engine only (by deterministic id). */
  added: Alert[];
  /** Raised with the current engine only. */
  removed: Alert[];
}

/**
 * Replays events, in the order given, through `engine` from a fresh state, or from a copy of `seed` (what
 * was learnt before the events, see `learnBaselines`); keeps the alerts `keep` accepts.
 */
export function replayAlerts(engine: CompiledEngine, events: Iterable<TelemetryEvent>, keep: (alert: Alert) => boolean, seed: readonly StateEntry[] = []): Alert[] {
  const state = seed.length > 0 ? importState(seed) : createState();
  const kept = new Map<string, Alert>();
  for (const event of events) {
    for (const alert of evaluate(engine, event, state).alerts) if (keep(alert) && !kept.has(alert.id)) kept.set(alert.id, alert);
  }
  return [...kept.values()];
}

/**
 * Replays the same events through both engines, each from its own copy of the same state (`seed`, or a
 * fresh one), so the comparison is like for like: the alerts `keep` accepts (those about one tool, in the
 * compared period) with each, and the change.
 */
export function compareTunings(current: CompiledEngine, proposed: CompiledEngine, events: readonly TelemetryEvent[], keep: (alert: Alert) => boolean, seed: readonly StateEntry[] = []): TuningComparison {
  const before = replayAlerts(current, events, keep, seed);
  const after = replayAlerts(proposed, events, keep, seed);
  const beforeIds = new Set(before.map((a) => a.id));
  const afterIds = new Set(after.map((a) => a.id));
  return { current: before, proposed: after, added: after.filter((a) => !beforeIds.has(a.id)), removed: before.filter((a) => !afterIds.has(a.id)) };
}

/**
 * Whether a tuning mutes an alert already raised: its detector (category) is muted, or an unexpired
 * exception covers its category (and one of the values it names). Allow-lists are not judged here: they
 * act inside the detectors, on what a call carries.
 */
export function tuningSuppresses(tuning: BaselineTuningInput, alert: Alert): boolean {
  return suppressedBy(resolveTuning(tuning), alert.category, alert.evidence.values ?? [], Date.parse(alert.ts));
}
