import type { BaselineSummary, ToolDefinition, ToolPin } from '@palisade/schema';
import { summariseBaseline, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import { SIZE_ALERT_Z } from '../detectors/response-size-spike.detector.js';
import type { ToolPinRecord } from '../detectors/tool-definition.detector.js';
import { tuningFor, type CompiledEngine } from './compile-engine.js';
import { baselineKey, pinKey, type EngineState } from './engine-state.js';

/** Later of two optional ISO timestamps (same format, so they compare as strings). */
function later(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}

/**
 * The inventory's view of a tool from its pin (listed) and its baseline (called): first/last seen span both.
 * A tool only ever called has no hashes and no versions. Null when the engine knows neither.
 */
function toToolPin(pin: ToolPinRecord | undefined, baseline: ToolBaselineRecord | undefined): ToolPin | null {
  if (!pin && !baseline) return null;
  const calledFirst = baseline?.firstSeen;
  const firstSeen = pin && (!calledFirst || pin.firstSeen <= calledFirst) ? pin.firstSeen : calledFirst;
  const lastSeen = later(pin?.lastSeen, baseline?.lastSeen);
  // A baseline saved before call times were kept has neither: it is shown from its first call from now on.
  if (!firstSeen || !lastSeen) return null;
  const server = pin?.server ?? baseline!.server;
  const tool = pin?.tool ?? baseline!.tool;
  return {
    server,
    tool,
    pinnedHash: pin?.pinnedHash ?? null,
    currentHash: pin?.currentHash ?? null,
    firstSeen,
    lastSeen,
    approvedAt: pin?.approvedAt ?? null,
    approvedBy: pin?.approvedBy ?? null,
    versions: pin?.versions ?? 0,
    calls: baseline?.observations ?? 0,
    quarantine: null,
  };
}

/** Every tool the engine has seen, listed or only called, as the inventory shows it (`quarantine` is the detector's to fill). */
export function toolPins(state: EngineState): ToolPin[] {
  const pins: ToolPin[] = [];
  const listed = new Set<string>();
  for (const key of state.keysWithPrefix('pin:')) {
    const pin = state.get<ToolPinRecord>(key);
    if (!pin) continue;
    listed.add(baselineKey(pin.server, pin.tool));
    const view = toToolPin(pin, state.get<ToolBaselineRecord>(baselineKey(pin.server, pin.tool)));
    if (view) pins.push(view);
  }
  for (const key of state.keysWithPrefix('base:')) {
    if (listed.has(key)) continue;
    const view = toToolPin(undefined, state.get<ToolBaselineRecord>(key));
    if (view) pins.push(view);
  }
  return pins.sort((a, b) => a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool));
}

/** One tool as the inventory shows it, or null if never listed nor called. */
export function toolPin(state: EngineState, server: string, tool: string): ToolPin | null {
  return toToolPin(state.get<ToolPinRecord>(pinKey(server, tool)), state.get<ToolBaselineRecord>(baselineKey(server, tool)));
}

/** The pinned and current definitions of a tool (for diffs on the tool page), or null. */
export function toolDefinitions(state: EngineState, server: string, tool: string): { pinned: ToolDefinition; current: ToolDefinition } | null {
  const pin = state.get<ToolPinRecord>(pinKey(server, tool));
  return pin ? { pinned: pin.pinned, current: pin.current } : null;
}

/**
 * Approves a tool's current definition: re-pins it (pinned = current, as of `ts`), so drift is judged
 * against it from now on. Returns the updated pin, or null when the tool was never listed.
 */
export function approveTool(state: EngineState, server: string, tool: string, ts: string, by: string | null = null): ToolPin | null {
  const key = pinKey(server, tool);
  const pin = state.get<ToolPinRecord>(key);
  if (!pin) return null;
  pin.pinned = pin.current;
  pin.pinnedHash = pin.currentHash;
  pin.approvedAt = ts;
  pin.approvedBy = by;
  pin.addedParams = [];
  if (!pin.seenHashes.includes(pin.currentHash)) pin.seenHashes.push(pin.currentHash);
  state.touch(key);
  return toToolPin(pin, state.get<ToolBaselineRecord>(baselineKey(server, tool)));
}

/** A tool's learned baselines for the API (learning state, response sizes, call rate, recipients, domains). */
export function baselineSummary(state: EngineState, server: string, tool: string, engine?: CompiledEngine): BaselineSummary {
  const tuning = engine ? tuningFor(engine, server, tool) : undefined;
  return summariseBaseline(state.get<ToolBaselineRecord>(baselineKey(server, tool)), tuning?.warmup ?? 20, SIZE_ALERT_Z * (tuning?.sensitivity ?? 1));
}
