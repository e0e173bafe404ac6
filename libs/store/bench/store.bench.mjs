// The embedded store's figures: bulk insert rate of realistic ~1 KB telemetry events through writeBatch
// (full-text index included), event search latency, and the incident queue over 10,000 incidents.
// Runs over the built package (`npm run build`); one JSON line per benchmark on stdout.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { percentile, progress, report } from '../../../tools/bench-kit.mjs';
import { SqliteStore } from '../dist/index.js';

const EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 200_000);
const BATCH = 500;
const INCIDENTS = 10_000;
const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const SERVERS = ['mail', 'files', 'crm', 'github', 'slack', 'browser', 'shell', 'calendar'];
const TOOLS = ['send_email', 'read_file', 'write_file', 'lookup_contact', 'create_issue', 'post_message', 'fetch_url', 'run_command', 'list_events', 'search'];
const WORDS = 'quarterly report invoice customer meeting deploy release contract budget roadmap incident review pipeline migration backup archive summary draft approval'.split(' ');

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(random() * list.length)];
const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

/**
 * A tools/call event of about 1 KB as JSON: arguments, a text result, capture digests. Sessions are as
 * in real use: about 50 open at a time across the servers, each a run of a few thousand calls.
 */
function telemetryEvent(index) {
  const server = SERVERS[index % SERVERS.length];
  const tool = TOOLS[(index >> 3) % TOOLS.length];
  return {
    id: `01JBENCH${String(index).padStart(18, '0')}`,
    ts: new Date(BASE + index * 50).toISOString(),
    'palisade.schema_version': 1,
    'palisade.event.kind': 'request',
    'palisade.direction': 'client_to_server',
    'palisade.collector.id': `collector-${index % 4}`,
    'palisade.collector.version': '0.1.0',
    'host.name': 'workstation-17',
    'palisade.server.name': server,
    'palisade.client.name': 'claude-desktop',
    'palisade.client.version': '1.4.2',
    'mcp.method.name': 'tools/call',
    'mcp.session.id': `session-${Math.floor(index / 100_000)}-${index % 50}`,
    'mcp.protocol.version': '2025-06-18',
    'jsonrpc.request.id': index,
    'gen_ai.tool.name': tool,
    'gen_ai.operation.name': 'execute_tool',
    'network.transport': 'pipe',
    'palisade.outcome': index % 50 === 0 ? 'tool_error' : 'ok',
    'palisade.duration_ms': 3 + (index % 40),
    'palisade.request.params': { name: tool, arguments: { to: `user${index % 300}@example.com`, subject: sentence(3), body: sentence(9) } },
    'palisade.response.result': { content: [{ type: 'text', text: `Done: ${sentence(6)}` }], isError: false },
    'palisade.capture.request': { bytes: 420, sha256: 'a'.repeat(64), truncated: false },
    'palisade.capture.response': { bytes: 260, sha256: 'b'.repeat(64), truncated: false },
    'palisade.findings': [],
  };
}

function incident(index) {
  const severities = ['low', 'medium', 'high', 'critical'];
  const statuses = ['open', 'open', 'open', 'triaging', 'contained', 'resolved', 'false_positive'];
  const categories = ['tool_poisoning', 'command_injection', 'sensitive_data_exfiltration', 'recipient_change', 'new_egress_domain', 'path_traversal'];
  const at = new Date(BASE + index * 60_000).toISOString();
  const server = pick(SERVERS);
  const tool = pick(TOOLS);
  return {
    id: `inc_bench_${String(index).padStart(6, '0')}`,
    title: `${pick(categories).replaceAll('_', ' ')} on ${server}/${tool}`,
    createdAt: at,
    updatedAt: at,
    firstSeen: at,
    lastSeen: new Date(BASE + index * 60_000 + Math.floor(random() * 3_600_000)).toISOString(),
    severity: pick(severities),
    status: pick(statuses),
    assignee: random() < 0.3 ? pick(['alice', 'bob', 'carol']) : null,
    server,
    tool,
    sessionId: `session-${index % 500}`,
    categories: [pick(categories), pick(categories)].filter((value, position, list) => list.indexOf(value) === position),
    alertIds: [`alr_${index}_1`, `alr_${index}_2`],
    alertCount: 2,
    notes: random() < 0.2 ? [{ ts: at, author: 'alice', text: `Checked ${sentence(8)}` }] : [],
    disposition: null,
  };
}

async function latencies(queries, rounds) {
  const samples = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const query of queries) {
      const started = performance.now();
      await query();
      samples.push(performance.now() - started);
    }
  }
  return { p50: round2(percentile(samples, 50)), p99: round2(percentile(samples, 99)), max: round2(Math.max(...samples)), samples: samples.length };
}

const round2 = (value) => Math.round(value * 100) / 100;

const home = mkdtempSync(path.join(tmpdir(), 'palisade-store-bench-'));
const file = path.join(home, 'store.db');
try {
  const store = SqliteStore.open({ file });

  // 1. Bulk insert through writeBatch, batches of 500, with the full-text index.
  progress(`store: generating ${EVENTS} events`);
  const events = Array.from({ length: EVENTS }, (_, index) => telemetryEvent(index));
  const averageBytes = Math.round(events.slice(0, 1000).reduce((sum, event) => sum + JSON.stringify(event).length, 0) / 1000);
  globalThis.gc?.();
  progress(`store: inserting (${averageBytes} bytes per event as JSON)`);
  const started = performance.now();
  let stored = 0;
  for (let start = 0; start < events.length; start += BATCH) stored += (await store.writeBatch({ events: events.slice(start, start + BATCH) })).eventsInserted;
  const insertSeconds = (performance.now() - started) / 1000;
  const replayStarted = performance.now();
  for (let start = 0; start < 20_000; start += BATCH) await store.writeBatch({ events: events.slice(start, start + BATCH) });
  const replayRate = Math.round(20_000 / ((performance.now() - replayStarted) / 1000));
  const dbBytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  report({
    name: 'store.sqlite.bulk-insert',
    figures: { eventsPerSecond: Math.round(stored / insertSeconds), events: stored, batch: BATCH, eventBytes: averageBytes, replayEventsPerSecond: replayRate, bytesPerEventOnDisk: Math.round(dbBytes / stored) },
    units: { eventsPerSecond: 'events/s', eventBytes: 'bytes (JSON)', replayEventsPerSecond: 'events/s (all duplicates, skipped)', bytesPerEventOnDisk: 'bytes' },
    goal: { eventsPerSecond: '>= 20000' },
    notes: 'writeBatch in one transaction per 500 events; each event stored as JSON with 5 indexed columns and an FTS5 entry over tool names, arguments and results',
  });

  // 2. Event search latency over what was just stored.
  progress('store: event searches');
  const cursor = (await store.events.search({ limit: 50, server: 'mail' })).nextCursor;
  const eventSearch = await latencies(
    [
      () => store.events.search({ limit: 50 }),
      () => store.events.search({ limit: 50, server: 'files' }),
      () => store.events.search({ limit: 50, server: 'mail', cursor }),
      () => store.events.search({ limit: 50, session: 'session-1-42' }),
      () => store.events.search({ limit: 50, tool: 'read_file', from: new Date(BASE + 3_600_000).toISOString(), to: new Date(BASE + 7_200_000).toISOString() }),
      () => store.events.search({ limit: 50, q: 'user17@example.com' }),
      () => store.events.search({ limit: 50, q: 'invoice roadmap', server: 'crm' }),
    ],
    30,
  );
  const commonText = await latencies([() => store.events.search({ limit: 50, q: 'invoice' })], 10);
  report({
    name: 'store.sqlite.event-search',
    figures: { p50Ms: eventSearch.p50, p99Ms: eventSearch.p99, maxMs: eventSearch.max, queries: eventSearch.samples, events: stored, commonWordP50Ms: commonText.p50, commonWordP99Ms: commonText.p99 },
    units: { p50Ms: 'ms', p99Ms: 'ms', maxMs: 'ms', commonWordP50Ms: 'ms', commonWordP99Ms: 'ms' },
    notes: 'newest-first pages of 50 with exact totals: no filter, server, server + cursor, session, tool + time range, full text (rare term, two terms + server); commonWord: a word in most events (its exact total dominates)',
  });

  // 3. The incident queue over 10,000 incidents.
  progress(`store: ${INCIDENTS} incidents`);
  for (let start = 0; start < INCIDENTS; start += BATCH) {
    await store.writeBatch({ incidents: Array.from({ length: Math.min(BATCH, INCIDENTS - start) }, (_, offset) => incident(start + offset)) });
  }
  const firstPage = await store.incidents.search({ limit: 50, sort: 'severity', status: 'open' });
  const queue = await latencies(
    [
      () => store.incidents.search({ limit: 50, sort: 'severity' }),
      () => store.incidents.search({ limit: 50, sort: 'severity', status: 'open' }),
      () => store.incidents.search({ limit: 50, sort: 'severity', status: 'open', cursor: firstPage.nextCursor }),
      () => store.incidents.search({ limit: 50, sort: 'recent', severity: 'critical' }),
      () => store.incidents.search({ limit: 50, sort: 'severity', category: 'tool_poisoning', status: 'open' }),
      () => store.incidents.search({ limit: 50, sort: 'recent', server: 'mail', tool: 'send_email' }),
      () => store.incidents.search({ limit: 50, sort: 'severity', assignee: 'alice' }),
      () => store.incidents.search({ limit: 50, sort: 'severity', q: 'exfiltration' }),
      () => store.incidents.search({ limit: 50, sort: 'recent', from: new Date(BASE + 86_400_000).toISOString(), to: new Date(BASE + 2 * 86_400_000).toISOString() }),
      () => store.incidents.search({ limit: 500, sort: 'severity' }),
      () => store.incidents.countByStatus(),
    ],
    30,
  );
  report({
    name: 'store.sqlite.incident-queue',
    figures: { p50Ms: queue.p50, p99Ms: queue.p99, maxMs: queue.max, queries: queue.samples, incidents: INCIDENTS },
    units: { p50Ms: 'ms', p99Ms: 'ms', maxMs: 'ms' },
    goal: { p99Ms: '< 300 (dashboard queue, server time)' },
    notes: 'queue pages with exact totals: severity sort, status, cursor, severity, category, server+tool, assignee, text, time range, a 500-row page, counts per status',
  });
  await store.close();
} finally {
  rmSync(home, { recursive: true, force: true });
}
