import type { EvidenceMatch } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import type { EngineState } from '../engine/engine-state.js';
import type { SessionRecord } from './tool-definition.detector.js';
import type { TextLeaf } from '../engine/event-view.js';

/** A sensitive piece of content returned by a server, remembered by hash (never the content). */
export interface ContentFlowRecord {
  server: string;
  tool: string | null;
  eventId: string;
  tsMs: number;
  /** Why it is sensitive (`path_traversal: reads ~/.ssh/id_rsa`, `secret_in_response: private_key`). */
  reason: string;
  /** Length of the remembered line: argument lines of other lengths are never hashed. */
  length: number;
}

const MIN_LINE = 16;
const LINES_PER_EVENT = 32;

/** The last line hashed: two 32-bit FNV-1a hashes (64 bits), kept here so hashing allocates nothing. */
const hashed = new Uint32Array(2);

/** Hashes a line into `hashed`: cheap enough to run on every argument line. */
function hashLine(line: string): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ line.length;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  hashed[0] = a;
  hashed[1] = b;
}

/** The last hash as 16 hex digits (the `cflow:` key). */
function hashHex(): string {
  return hashed[0]!.toString(16).padStart(8, '0') + hashed[1]!.toString(16).padStart(8, '0');
}

/** The last hash as a number (53 of its bits): how outbound calls keep their lines, compact and exact in JSON. */
function hashNumber(): number {
  return hashed[0]! * 0x200000 + (hashed[1]! >>> 11);
}

/** Distinctive lines of a text (trimmed, at least 16 characters), for content matching. */
function distinctiveLines(text: string, limit: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length < MIN_LINE || /^[-=#*_\s]+$/.test(line) || /^\[REDACTED:/.test(line)) continue;
    lines.push(line);
    if (lines.length >= limit) break;
  }
  return lines;
}

export function flowKey(hash: string): string {
  return `cflow:${hash}`;
}

/** Where a secret (by fingerprint) was last returned, so exfiltration evidence can name its source. */
export interface SecretSourceRecord {
  server: string;
  tool: string | null;
  eventId: string;
  tsMs: number;
  type: string;
}

export function secretSourceKey(fingerprint: string): string {
  return `fp:${fingerprint}`;
}

/** Remembers the response findings of an event (fingerprints only) as sources for later evidence. */
export function rememberSecretSources(ctx: DetectionContext): void {
  const { state, view } = ctx;
  for (const finding of view.findings) {
    if (finding.where !== 'response' || finding.detector?.endsWith('#example')) continue;
    state.set<SecretSourceRecord>(secretSourceKey(finding.fingerprint), { server: view.server, tool: view.tool, eventId: view.event.id, tsMs: view.tsMs, type: finding.type });
  }
}

/**
 * After a sensitive read (a credential file read, or a result carrying secrets): remembers hashes of
 * the result's distinctive lines so the same content can be recognised in another server's arguments.
 * Returns the lines remembered (hash → length), for calls that reached the engine before this read.
 */
export function rememberSensitiveContent(ctx: DetectionContext, leaves: readonly TextLeaf[], reason: string): Map<number, number> {
  const { state, view } = ctx;
  const remembered = new Map<number, number>();
  for (const leaf of leaves) {
    for (const line of distinctiveLines(leaf.value, LINES_PER_EVENT - remembered.size)) {
      hashLine(line);
      state.set<ContentFlowRecord>(flowKey(hashHex()), { server: view.server, tool: view.tool, eventId: view.event.id, tsMs: view.tsMs, reason, length: line.length });
      state.flowLengths.add(line.length);
      remembered.set(hashNumber(), line.length);
    }
    if (remembered.size >= LINES_PER_EVENT) break;
  }
  state.flowCount += remembered.size;
  return remembered;
}

/** A recent call of a session, by argument-line hashes (kept in the session record, see `rememberOutbound`). */
export interface OutboundCall {
  /** Event id. */
  e: string;
  /** Event time, ms. */
  t: number;
  /** Tool. */
  tl: string;
  /** Hashes of the arguments' distinctive lines (at most 32, see `hashNumber`). */
  h: number[];
  /** Set once the call raised cross_server_flow (in either order), so it never raises twice. */
  x?: 1;
}

const OUTBOUND_CALLS_PER_SESSION = 16;

/**
 * Whether content read at `readMs` may have flowed into a call made at `callMs` (event time, either arrival
 * order, on two servers: their collectors' clocks may differ by up to `skewMs`).
 */
function flowsInTime(readMs: number, callMs: number, ttlMs: number, skewMs: number): boolean {
  return callMs >= readMs - skewMs && callMs - readMs <= ttlMs;
}

function flowTitle(source: { server: string }, server: string, tool: string | null): string {
  return `Sensitive content from ${source.server} sent to ${server}${tool ? `/${tool}` : ''}`;
}

function lineText(length: number, server: string, tool: string | null): string {
  return `${length}-character line returned by ${server}${tool ? `/${tool}` : ''} (not shown)`;
}

/**
 * cross_server_flow (by content): sensitive content one server returned appears in the arguments of a
 * call to another server. Ordinary data is never remembered, so passing it along never raises. (Secrets
 * the collector fingerprinted are matched by the `cross-server-secret-flow` correlation rule.) Returns the
 * call's argument lines for `rememberOutbound`, kept for a read that reaches the engine after the call
 * (`detectLateContentFlow`). The alert's id derives from the call alone: one alert per call, whichever
 * source and whichever arrival order.
 */
export function detectContentFlow(ctx: DetectionContext): OutboundLines | null {
  const { state, view, engine } = ctx;
  const matches: EvidenceMatch[] = [];
  const hashes: number[] = [];
  let source: ContentFlowRecord | undefined;
  for (const leaf of view.argumentLeaves) {
    if (leaf.value.length < MIN_LINE) continue;
    for (const line of distinctiveLines(leaf.value, 200)) {
      const remember = view.tool !== null && hashes.length < LINES_PER_EVENT;
      const lookUp = state.flowCount > 0 && state.flowLengths.has(line.length);
      if (!remember && !lookUp) continue;
      hashLine(line);
      if (remember) hashes.push(hashNumber());
      if (!lookUp) continue;
      const flow = state.get<ContentFlowRecord>(flowKey(hashHex()));
      if (!flow || flow.server === view.server || !flowsInTime(flow.tsMs, view.tsMs, engine.options.flowTtlMs, engine.options.clockSkewMs)) continue;
      source ??= flow;
      if (matches.length < 10) matches.push({ field: leaf.field, text: lineText(line.length, flow.server, flow.tool), signal: `sensitive content from another server (${flow.reason})` });
    }
  }
  const raised = source
    ? ctx.emit({
        category: 'cross_server_flow',
        severity: 'high',
        title: flowTitle(source, view.server, view.tool),
        tool: view.tool,
        eventIds: [source.eventId, view.event.id],
        keyEventIds: [view.event.id],
        evidence: {
          summary: `Arguments of ${view.tool ?? view.method} on server "${view.server}" contain ${matches.length} line(s) of sensitive content that server "${source.server}" returned in event ${source.eventId} (${source.reason}).`,
          matches,
          source: { server: source.server, tool: source.tool, eventId: source.eventId },
          details: { reason: source.reason },
        },
      })
    : null;
  return hashes.length > 0 ? { hashes, raised: raised !== null } : null;
}

/** A call's argument lines (hashes) and whether it already raised cross_server_flow. */
export interface OutboundLines {
  hashes: number[];
  raised: boolean;
}

/**
 * Adds a call to its session's recent outbound calls (the session record is at hand for every call, and
 * persisted with it): at most 16, the first arrived dropped first, and those older than the reorder
 * window (lookups skip any left; idle sessions are evicted).
 */
export function rememberOutbound(ctx: DetectionContext, session: SessionRecord, { hashes, raised }: OutboundLines): void {
  const { state, view, engine } = ctx;
  if (view.tool === null) return;
  const calls = (session.out ??= []);
  const oldest = state.clock - engine.options.reorderWindowMs;
  while (calls.length > 0 && (calls.length >= OUTBOUND_CALLS_PER_SESSION || calls[0]!.t < oldest)) calls.shift();
  const call: OutboundCall = { e: view.event.id, t: view.tsMs, tl: view.tool, h: hashes };
  if (raised) call.x = 1;
  calls.push(call);
  if (view.tsMs > state.latestOutboundMs) state.latestOutboundMs = view.tsMs;
}

/**
 * cross_server_flow for a sensitive read that reached the engine after the call sending its content to
 * another server (collectors flush on their own): the same alert the natural order raises (attributed to
 * the call, its time and session, the same id), with both events. Calls already alerted are skipped; the
 * call's sensitive_data_exfiltration alert was raised on arrival, without the source in its evidence.
 */
export function detectLateContentFlow(ctx: DetectionContext, lines: ReadonlyMap<number, number>, reason: string): void {
  const { state, view, engine } = ctx;
  // In arrival order the read is the newest event: no remembered call is at or after it (give or take the skew).
  if (lines.size === 0 || state.latestOutboundMs < view.tsMs - engine.options.clockSkewMs) return;
  const oldest = state.clock - engine.options.reorderWindowMs;
  for (const key of state.keysWithPrefix('sess:')) {
    const session = state.get<SessionRecord>(key);
    if (!session?.out || session.server === view.server) continue;
    for (const call of session.out) {
      if (call.x || call.t < oldest || !flowsInTime(view.tsMs, call.t, engine.options.flowTtlMs, engine.options.clockSkewMs)) continue;
      const matched = call.h.filter((h) => lines.has(h));
      if (matched.length === 0) continue;
      const alert = ctx.emit({
        category: 'cross_server_flow',
        severity: 'high',
        title: flowTitle(view, session.server, call.tl),
        tool: call.tl,
        server: session.server,
        sessionId: session.session,
        ts: new Date(call.t).toISOString(),
        eventIds: [view.event.id, call.e],
        keyEventIds: [call.e],
        evidence: {
          summary: `Arguments of ${call.tl} on server "${session.server}" (event ${call.e}) contain ${matched.length} line(s) of sensitive content that server "${view.server}" returned in event ${view.event.id} (${reason}); the call reached the detector before the read.`,
          matches: matched.slice(0, 10).map((h) => ({ field: 'arguments', text: lineText(lines.get(h) ?? 0, view.server, view.tool), signal: `sensitive content from another server (${reason})` })),
          source: { server: view.server, tool: view.tool, eventId: view.event.id },
          details: { reason, sourceArrivedLate: true },
        },
      });
      if (!alert) continue;
      call.x = 1;
      state.touch(key);
    }
  }
}

/** Forgets remembered content and secret sources older than the TTL, and the oldest beyond the cap. */
export function sweepContentFlows(state: EngineState, now: number, ttlMs: number, max: number): void {
  const sources: { key: string; ts: number }[] = [];
  for (const key of [...state.keysWithPrefix('fp:')]) {
    const source = state.get<SecretSourceRecord>(key);
    if (!source || now - source.tsMs > ttlMs) state.delete(key);
    else sources.push({ key, ts: source.tsMs });
  }
  if (sources.length > max) {
    sources.sort((a, b) => a.ts - b.ts);
    for (const { key } of sources.slice(0, sources.length - max)) state.delete(key);
  }
  const live: { key: string; ts: number }[] = [];
  state.flowLengths.clear();
  for (const key of [...state.keysWithPrefix('cflow:')]) {
    const flow = state.get<ContentFlowRecord>(key);
    if (!flow || now - flow.tsMs > ttlMs) state.delete(key);
    else {
      live.push({ key, ts: flow.tsMs });
      state.flowLengths.add(flow.length);
    }
  }
  if (live.length > max) {
    live.sort((a, b) => a.ts - b.ts);
    for (const { key } of live.slice(0, live.length - max)) state.delete(key);
  }
  state.flowCount = Math.min(live.length, max);
}
