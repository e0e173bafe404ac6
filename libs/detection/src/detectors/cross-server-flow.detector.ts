import type { EvidenceMatch } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import type { EngineState } from '../engine/engine-state.js';
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

/** Two 32-bit FNV-1a hashes of a line (64 bits): cheap enough to run on every argument line. */
function lineHash(line: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ line.length;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
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
 */
export function rememberSensitiveContent(ctx: DetectionContext, leaves: readonly TextLeaf[], reason: string): void {
  const { state, view } = ctx;
  let remembered = 0;
  for (const leaf of leaves) {
    for (const line of distinctiveLines(leaf.value, LINES_PER_EVENT - remembered)) {
      state.set<ContentFlowRecord>(flowKey(lineHash(line)), { server: view.server, tool: view.tool, eventId: view.event.id, tsMs: view.tsMs, reason, length: line.length });
      state.flowLengths.add(line.length);
      remembered += 1;
    }
    if (remembered >= LINES_PER_EVENT) break;
  }
  state.flowCount += remembered;
}

/**
 * cross_server_flow (by content): sensitive content one server returned appears in the arguments of a
 * call to another server. Ordinary data is never remembered, so passing it along never raises. (Secrets
 * the collector fingerprinted are matched by the `cross-server-secret-flow` correlation rule.)
 */
export function detectContentFlow(ctx: DetectionContext): void {
  const { state, view } = ctx;
  if (state.flowCount <= 0) return;
  const matches: EvidenceMatch[] = [];
  let source: ContentFlowRecord | undefined;
  for (const leaf of view.argumentLeaves) {
    if (leaf.value.length < MIN_LINE) continue;
    for (const line of distinctiveLines(leaf.value, 200)) {
      if (!state.flowLengths.has(line.length)) continue;
      const flow = state.get<ContentFlowRecord>(flowKey(lineHash(line)));
      if (!flow || flow.server === view.server || view.tsMs - flow.tsMs > ctx.engine.options.flowTtlMs) continue;
      source ??= flow;
      if (matches.length < 10) matches.push({ field: leaf.field, text: `${line.length}-character line returned by ${flow.server}${flow.tool ? `/${flow.tool}` : ''} (not shown)`, signal: `sensitive content from another server (${flow.reason})` });
    }
  }
  if (!source) return;
  ctx.emit({
    category: 'cross_server_flow',
    severity: 'high',
    title: `Sensitive content from ${source.server} sent to ${view.server}${view.tool ? `/${view.tool}` : ''}`,
    tool: view.tool,
    evidence: {
      summary: `Arguments of ${view.tool ?? view.method} on server "${view.server}" contain ${matches.length} line(s) of sensitive content that server "${source.server}" returned in event ${source.eventId} (${source.reason}).`,
      matches,
      source: { server: source.server, tool: source.tool, eventId: source.eventId },
      details: { reason: source.reason },
    },
  });
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
