/** One persisted piece of engine state: a key and a JSON value. */
export interface StateEntry {
  key: string;
  value: unknown;
}

/** What changed since the last `changedEntries` call: entries to write and keys to delete. */
export interface StateChanges {
  entries: StateEntry[];
  deleted: string[];
}

/**
 * The engine's memory: tool pins, baselines, sessions, flows and correlation windows, as key/value
 * entries with plain-JSON values (no Maps or class instances), so it can be persisted entry by entry.
 *
 * `evaluate` mutates it in place (and returns the same object as `nextState`) for speed; `dirty` and
 * `deleted` record what changed so the caller can persist only that (`changedEntries`). Memory grows
 * with tools, not events: every per-tool record is bounded, sessions are evicted when idle (event
 * time), flows and correlation windows expire.
 */
export class EngineState {
  readonly entries = new Map<string, unknown>();
  readonly dirty = new Set<string>();
  readonly deleted = new Set<string>();
  /** The latest event time seen (ms since epoch): the engine's only clock. */
  clock = 0;
  /** Event time of the last sweep of idle sessions and expired windows. */
  lastSweep = 0;
  /** Derived indexes rebuilt from the entries (not persisted). */
  readonly toolsByName = new Map<string, Set<string>>();
  /** Remembered sensitive content entries (`cflow:`), so calls skip the lookup when there are none. */
  flowCount = 0;
  /** Lengths of the remembered lines (a cheap filter before hashing argument lines). */
  readonly flowLengths = new Set<number>();
  /** Latest event time of a call remembered in a session (`out`): a read after it cannot be a late source. */
  latestOutboundMs = 0;
  /** Tool names folded for look-alike checks (`send_email`, `sendEmail`, `send-email_` → `sendemail`) → `server\u0000tool`. */
  readonly foldedNames = new Map<string, Set<string>>();
  /** Tool-like names mentioned by definitions → pin keys mentioning them (cross-server shadowing). */
  readonly mentionIndex = new Map<string, Set<string>>();
  /** Addresses and domains named by flagged definitions (lower case) → pin keys naming them. */
  readonly namedRecipientIndex = new Map<string, Set<string>>();

  get<T>(key: string): T | undefined {
    return this.entries.get(key) as T | undefined;
  }

  /** Stores (or re-marks) an entry as changed. */
  set<T>(key: string, value: T): T {
    this.entries.set(key, value);
    this.dirty.add(key);
    this.deleted.delete(key);
    return value;
  }

  /** Marks an entry mutated in place as changed. */
  touch(key: string): void {
    if (this.entries.has(key)) this.dirty.add(key);
  }

  delete(key: string): void {
    if (!this.entries.delete(key)) return;
    this.dirty.delete(key);
    this.deleted.add(key);
  }

  *keysWithPrefix(prefix: string): Iterable<string> {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) yield key;
  }
}

export const META_KEY = 'meta';

interface MetaRecord {
  clock: number;
  lastSweep: number;
  version: 1;
}

/** A new, empty engine state. */
export function createState(): EngineState {
  return new EngineState();
}

/** Every entry of the state (a full snapshot), values as they are (plain JSON). */
export function exportState(state: EngineState): StateEntry[] {
  syncMeta(state);
  return [...state.entries].map(([key, value]) => ({ key, value }));
}

/**
 * The entries changed and the keys deleted since the previous call, then forgets them: persist these
 * (serialise the values right away: the engine keeps mutating them) and the store matches the state.
 */
export function changedEntries(state: EngineState): StateChanges {
  syncMeta(state);
  const entries: StateEntry[] = [];
  for (const key of state.dirty) {
    if (state.entries.has(key)) entries.push({ key, value: state.entries.get(key) });
  }
  const deleted = [...state.deleted];
  state.dirty.clear();
  state.deleted.clear();
  return { entries, deleted };
}

/** Rebuilds a state from persisted entries (values are deep-copied). */
export function importState(entries: Iterable<StateEntry>): EngineState {
  const state = new EngineState();
  for (const { key, value } of entries) state.entries.set(key, structuredClone(value));
  const meta = state.get<MetaRecord>(META_KEY);
  if (meta) {
    state.clock = meta.clock;
    state.lastSweep = meta.lastSweep;
  }
  rebuildIndexes(state);
  return state;
}

function syncMeta(state: EngineState): void {
  const meta = state.get<MetaRecord>(META_KEY);
  if (!meta || meta.clock !== state.clock || meta.lastSweep !== state.lastSweep) {
    state.set<MetaRecord>(META_KEY, { clock: state.clock, lastSweep: state.lastSweep, version: 1 });
  }
}

/** Key of a tool's pin record. */
export function pinKey(server: string, tool: string): string {
  return `pin:${server}:${tool}`;
}

/** Key of a tool's behavioural baseline. */
export function baselineKey(server: string, tool: string): string {
  return `base:${server}:${tool}`;
}

export function sessionKey(session: string): string {
  return `sess:${session}`;
}

export function serverKey(server: string): string {
  return `srv:${server}`;
}

/** Key of the tool_shadowing findings already raised for one tool's definition (tool null: the server's instructions). */
export function shadowingKey(server: string, tool: string | null): string {
  return `shadow:${server}:${tool ?? ''}`;
}

/** Rebuilds the derived indexes (tool name → servers, mentioned name → pins) from the pin records. */
export function rebuildIndexes(state: EngineState): void {
  state.toolsByName.clear();
  state.mentionIndex.clear();
  state.namedRecipientIndex.clear();
  state.foldedNames.clear();
  state.flowCount = 0;
  state.flowLengths.clear();
  state.latestOutboundMs = 0;
  for (const key of state.keysWithPrefix('sess:')) {
    for (const call of state.get<{ out?: { t: number }[] }>(key)?.out ?? []) state.latestOutboundMs = Math.max(state.latestOutboundMs, call.t);
  }
  for (const key of state.keysWithPrefix('cflow:')) {
    state.flowCount += 1;
    const length = state.get<{ length?: number }>(key)?.length;
    if (length !== undefined) state.flowLengths.add(length);
  }
  for (const key of state.keysWithPrefix('pin:')) {
    const pin = state.get<{ server: string; tool: string; mentions?: string[]; namedRecipients?: string[] }>(key);
    if (!pin) continue;
    indexTool(state, pin.server, pin.tool);
    for (const name of pin.mentions ?? []) {
      let keys = state.mentionIndex.get(name);
      if (!keys) state.mentionIndex.set(name, (keys = new Set()));
      keys.add(key);
    }
    indexNamedRecipients(state, key, pin.namedRecipients ?? []);
  }
}

/** A tool name folded for look-alike comparison: lower case, letters and digits only, trailing digits kept. */
export function foldToolName(tool: string): string {
  return tool.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function indexTool(state: EngineState, server: string, tool: string): void {
  let servers = state.toolsByName.get(tool);
  if (!servers) state.toolsByName.set(tool, (servers = new Set()));
  servers.add(server);
  const folded = foldToolName(tool);
  let tools = state.foldedNames.get(folded);
  if (!tools) state.foldedNames.set(folded, (tools = new Set()));
  tools.add(`${server}\u0000${tool}`);
}

/** Indexes the addresses and domains a flagged definition names, so a call that sends to one is caught. */
export function indexNamedRecipients(state: EngineState, pinKey: string, values: readonly string[]): void {
  for (const value of values) {
    let keys = state.namedRecipientIndex.get(value);
    if (!keys) state.namedRecipientIndex.set(value, (keys = new Set()));
    keys.add(pinKey);
  }
}
