import type { TelemetryEvent } from '@palisade/schema';
import { observeToolCall } from './baseline-observation.js';
import type { CompiledEngine } from './compile-engine.js';
import { DetectionContext } from './detection-context.js';
import { createState, type StateEntry } from './engine-state.js';
import { EventView } from './event-view.js';

/** What tools had learnt before a replay: their behavioural baselines, as state entries to start it from. */
export interface BaselineSeed {
  /** The `base:` entries of the tools called, nothing else (no pins, sessions, flows or windows). */
  entries: StateEntry[];
  /** Calls learnt into them. */
  observations: number;
}

/**
 * The behavioural baselines that calls teach, learnt as `evaluate` learns them but never judged: no alert,
 * and nothing but the baselines remembered. What a baseline learns does not depend on the tuning, so one
 * seed serves every tuning compared, and each judges the seeded baseline by its own warm-up size,
 * sensitivity and allow-lists. Feed `tools/call` events oldest first (others are skipped); blocked calls
 * are not learnt, as the engine does not learn them.
 */
export function learnBaselines(engine: CompiledEngine, calls: Iterable<TelemetryEvent>): BaselineSeed {
  const state = createState();
  let observations = 0;
  for (const event of calls) {
    const view = new EventView(event, engine.options.maxScanChars);
    if (view.method !== 'tools/call' || !view.tool || view.outcome === 'blocked' || !Number.isFinite(view.tsMs)) continue;
    observeToolCall(new DetectionContext(engine, state, view), view.tool, null);
    observations += 1;
  }
  return { entries: [...state.entries].map(([key, value]) => ({ key, value })), observations };
}
