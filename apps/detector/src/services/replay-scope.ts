import type { Alert, AlertQuery, EventQuery, TelemetryEvent } from '@palisade/schema';
import type { Store } from '@palisade/store';

/** What a tuning preview replays for one tool, and how far that reaches. */
export interface ReplayScope {
  /** Every event to replay, oldest first (ties by id): the order the engine saw them in. */
  events: TelemetryEvent[];
  calls: number;
  sessions: number;
  sessionEvents: number;
  context: number;
  /**
   * From when (ms) the figures are complete: the window's start, or later when the limit cut the tool's
   * calls or their sessions (older alerts are left out of the comparison).
   */
  coveredFromMs: number;
  /** The limit refused events: some were left out. */
  reached: boolean;
  /** More sensitive reads were recorded than were looked at (`maxEvents` of each kind, the newest). */
  readsCut: boolean;
  /** Alerts recorded about the tool in the window, newest first (at most `maxEvents`). */
  recorded: Alert[];
  /** More alerts were recorded about the tool than `recorded` holds. */
  recordedCut: boolean;
}

export interface ReplayTarget {
  server: string;
  tool: string;
  /** The window `[fromMs, toMs)`. */
  fromMs: number;
  toMs: number;
  /** How far before an alert the events it depends on may lie on other servers (flows, rule windows). */
  horizonMs: number;
  maxEvents: number;
}

/** Categories whose alerts mark a read worth following into other servers' calls (cross_server_flow, rules). */
const SENSITIVE_READS = ['path_traversal', 'secret_in_response'] as const;
const PAGE = 500;
/** An instant in milliseconds as the ISO-8601 text the API speaks. */
export const iso = (ms: number) => new Date(ms).toISOString();
const tsOf = (event: TelemetryEvent) => Date.parse(event.ts);
/** The order the engine saw events in: oldest first, ties by id. */
const inEventOrder = (a: TelemetryEvent, b: TelemetryEvent) => tsOf(a) - tsOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Events of a query, newest first, page by page. */
async function* eventPages(store: Store, query: Omit<EventQuery, 'limit' | 'cursor'>): AsyncGenerator<TelemetryEvent[]> {
  let cursor: string | undefined;
  do {
    const page = await store.events.search({ ...query, limit: PAGE, ...(cursor ? { cursor } : {}) });
    yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** Alerts of a query, newest first, at most `max`; `cut` when there were more. */
async function alertsOf(store: Store, query: Omit<AlertQuery, 'limit' | 'cursor'>, max: number): Promise<{ alerts: Alert[]; cut: boolean }> {
  const alerts: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.alerts.search({ ...query, limit: PAGE, ...(cursor ? { cursor } : {}) });
    alerts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && alerts.length < max);
  return { alerts: alerts.slice(0, max), cut: alerts.length > max || cursor !== undefined };
}

/** The events of a replay, each once, at most `max`. */
class ReplayBudget {
  private readonly events = new Map<string, TelemetryEvent>();
  reached = false;

  constructor(private readonly max: number) {}

  has(id: string): boolean {
    return this.events.has(id);
  }

  /** Adds an event (an event already held counts as added); false, adding nothing, once the limit is reached. */
  add(event: TelemetryEvent): boolean {
    if (this.events.has(event.id)) return true;
    if (this.events.size >= this.max) {
      this.reached = true;
      return false;
    }
    this.events.set(event.id, event);
    return true;
  }

  /** Adds events newest first until the limit; returns how many were new. */
  addAll(events: readonly TelemetryEvent[]): { added: number } {
    let added = 0;
    for (const event of [...events].sort((a, b) => tsOf(b) - tsOf(a))) {
      if (this.has(event.id)) continue;
      if (!this.add(event)) break;
      added += 1;
    }
    return { added };
  }

  ordered(): TelemetryEvent[] {
    return [...this.events.values()].sort(inEventOrder);
  }
}

/**
 * Gathers what the alerts about one tool depend on, within a bound on events, in order of need:
 * 1. the tool's calls in the window, newest first (at most half the limit);
 * 2. tool definitions: each server's last `initialize` and `tools/list` before the window (so pins and
 *    names are known as the live engine knew them) and the `tools/list` events that introduced a
 *    definition during it (poisoning, drift, shadowing by text or by name, across servers);
 * 3. context from other sessions and servers: the events of the alerts recorded about the tool (their
 *    sources and rule steps), and the sensitive reads (path_traversal, secret_in_response alerts) of every
 *    server from `horizonMs` before the window, which cross_server_flow and rules follow into calls;
 * 4. every other event of the sessions the tool was called in, newest session first.
 * When the limit cuts the calls or the sessions, the figures start later (`coveredFromMs`): from there on,
 * every call and session event was replayed.
 */
export async function collectReplayScope(store: Store, target: ReplayTarget): Promise<ReplayScope> {
  const { server, tool, fromMs, toMs } = target;
  const budget = new ReplayBudget(target.maxEvents);
  const from = iso(fromMs);
  const to = iso(toMs);
  let coveredFromMs = fromMs;

  // 1. The tool's calls (at most half the limit, leaving room for what they depend on); the sessions they
  // were made in, by their newest call.
  const sessions = new Map<string, number>();
  const maxCalls = Math.ceil(target.maxEvents / 2);
  let calls = 0;
  calls: for await (const page of eventPages(store, { server, tool, from, to })) {
    for (const event of page) {
      if (calls >= maxCalls || !budget.add(event)) {
        budget.reached = true;
        coveredFromMs = tsOf(event) + 1;
        break calls;
      }
      calls += 1;
      if (!sessions.has(event['mcp.session.id'])) sessions.set(event['mcp.session.id'], tsOf(event));
    }
  }

  // 2. Tool definitions of every server.
  let context = 0;
  const definitions: TelemetryEvent[] = [];
  const pins = await store.tools.list();
  for (const name of new Set(pins.map((p) => p.server))) {
    for (const method of ['initialize', 'tools/list']) definitions.push(...(await store.events.search({ server: name, method, to: from, limit: 1 })).items);
  }
  const introduced = new Set<string>();
  for (const pin of pins) {
    if (pin.versions === 0 || Date.parse(pin.lastSeen) < fromMs || (pin.versions === 1 && Date.parse(pin.firstSeen) < fromMs)) continue;
    let cursor: string | undefined;
    do {
      const page = await store.tools.versions(pin.server, pin.tool, { from: iso(fromMs), to: iso(toMs), limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const version of page.items) introduced.add(version.eventId);
      cursor = page.nextCursor;
    } while (cursor);
  }
  definitions.push(...(await store.events.getMany([...introduced].filter((id) => !budget.has(id)))));
  context += budget.addAll(definitions).added;

  // 3. The events of the alerts recorded about the tool, and sensitive reads on every server.
  const { alerts: recorded, cut: recordedCut } = await alertsOf(store, { server, tool, from, to }, target.maxEvents);
  const wanted = new Set<string>();
  let readsCut = false;
  for (const alert of recorded) for (const id of alert.eventIds) if (!budget.has(id)) wanted.add(id);
  for (const category of SENSITIVE_READS) {
    const reads = await alertsOf(store, { category, from: iso(fromMs - target.horizonMs), to }, target.maxEvents);
    for (const alert of reads.alerts) for (const id of alert.eventIds) if (!budget.has(id)) wanted.add(id);
    readsCut ||= reads.cut;
  }
  const ids = [...wanted];
  for (let i = 0; i < ids.length && !budget.reached; i += PAGE) {
    context += budget.addAll(await store.events.getMany(ids.slice(i, i + PAGE))).added;
  }

  // 4. The sessions' other events, within the part of the window the calls cover.
  let sessionEvents = 0;
  let sessionsReplayed = 0;
  const order = [...sessions.entries()];
  sessions: for (let i = 0; i < order.length; i += 1) {
    const [session] = order[i]!;
    for await (const page of eventPages(store, { server, session, from: iso(coveredFromMs), to })) {
      for (const event of page) {
        if (budget.has(event.id)) continue;
        if (!budget.add(event)) {
          // The rest of this session and the sessions after it were left out: their calls are older.
          const next = order[i + 1];
          coveredFromMs = Math.max(coveredFromMs, tsOf(event) + 1, next ? next[1] + 1 : 0);
          break sessions;
        }
        sessionEvents += 1;
      }
    }
    sessionsReplayed += 1;
  }

  return { events: budget.ordered(), calls, sessions: sessionsReplayed, sessionEvents, context, coveredFromMs, reached: budget.reached, readsCut, recorded, recordedCut };
}

/** The calls a replay's baseline seed learns from. */
export interface SeedCalls {
  /** Oldest first (ties by id), at most `maxCalls`: the newest before `beforeMs`. */
  calls: TelemetryEvent[];
  /** Older calls were left out (the bound). */
  cut: boolean;
}

/**
 * The tool's own calls before a replay (`[sinceMs, beforeMs)`, the newest `maxCalls`), skipping those the
 * replay holds: what its behavioural baseline had learnt when the replay starts.
 */
export async function collectSeedCalls(store: Store, target: { server: string; tool: string; sinceMs: number | null; beforeMs: number; maxCalls: number; replayed: ReadonlySet<string> }): Promise<SeedCalls> {
  const calls: TelemetryEvent[] = [];
  let cut = false;
  const query = { server: target.server, tool: target.tool, method: 'tools/call', to: iso(target.beforeMs), ...(target.sinceMs === null ? {} : { from: iso(target.sinceMs) }) };
  pages: for await (const page of eventPages(store, query)) {
    for (const event of page) {
      if (target.replayed.has(event.id)) continue;
      if (calls.length >= target.maxCalls) {
        cut = true;
        break pages;
      }
      calls.push(event);
    }
  }
  calls.sort(inEventOrder);
  return { calls, cut };
}
