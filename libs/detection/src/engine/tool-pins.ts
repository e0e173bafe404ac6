import type { BaselineSummary, ToolDefinition, ToolPin } from '@palisade/schema';
import { summariseBaseline, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import { SIZE_ALERT_Z } from '../detectors/response-size-spike.detector.js';
import type { ToolPinRecord } from '../detectors/tool-definition.detector.js';
import { tuningFor, type CompiledEngine } from './compile-engine.js';
import { baselineKey, pinKey, type EngineState } from './engine-state.js';

function toToolPin(state: EngineState, pin: ToolPinRecord): ToolPin {
  const baseline = state.get<ToolBaselineRecord>(baselineKey(pin.server, pin.tool));
  return {
    server: pin.server,
    tool: pin.tool,
    pinnedHash: pin.pinnedHash,
    currentHash: pin.currentHash,
    firstSeen: pin.firstSeen,
    lastSeen: pin.lastSeen,
    approvedAt: pin.approvedAt,
    approvedBy: pin.approvedBy,
    versions: pin.versions,
    calls: baseline?.observations ?? 0,
    quarantine: null,
  };
}

/** Every tool the engine has pinned, as the inventory shows it (`quarantine` is the detector's to fill). */
export function toolPins(state: EngineState): ToolPin[] {
  const pins: ToolPin[] = [];
  for (const key of state.keysWithPrefix('pin:')) {
    const pin = state.get<ToolPinRecord>(key);
    if (pin) pins.push(toToolPin(state, pin));
  }
  return pins.sort((a, b) => a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool));
}

/** One tool's pin, or null if never listed. */
export function toolPin(state: EngineState, server: string, tool: string): ToolPin | null {
  const pin = state.get<ToolPinRecord>(pinKey(server, tool));
  return pin ? toToolPin(state, pin) : null;
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
  return toToolPin(state, pin);
}

/** A tool's learned baselines for the API (learning state, response sizes, call rate, recipients, domains). */
export function baselineSummary(state: EngineState, server: string, tool: string, engine?: CompiledEngine): BaselineSummary {
  const tuning = engine ? tuningFor(engine, server, tool) : undefined;
  return summariseBaseline(state.get<ToolBaselineRecord>(baselineKey(server, tool)), tuning?.warmup ?? 20, SIZE_ALERT_Z * (tuning?.sensitivity ?? 1));
}
