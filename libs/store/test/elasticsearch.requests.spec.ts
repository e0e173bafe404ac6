import { computeAuditHash, EventQuery, ExportQuery, IncidentQuery, TokenQuery, verifyAuditChain, type AuditEntry } from '@palisade/schema';
import { beforeEach, describe, expect, it } from 'vitest';
import { MGET_IDS } from '../src/elasticsearch/elasticsearch.context.js';
import { TEMPLATE_VERSION } from '../src/elasticsearch/elasticsearch.indices.js';
import { ElasticsearchStore } from '../src/elasticsearch/elasticsearch.store.js';
import { StoreErrorCode } from '../src/store.error.js';
import { at, sampleAlert, sampleAudit, sampleEvent, sampleExport, sampleIncident, sampleToolPin, sampleToolVersion } from './fixtures/store-records.js';
import { bulkAnswer, ElasticsearchMock, errorAnswer, type RecordedRequest } from './fixtures/elasticsearch.mock.js';

type Lines = Record<string, unknown>[];
/** Bytes of a bulk body as sent: one JSON document per line. */
const ndjsonBytes = (lines: Lines): number => lines.reduce((sum, line) => sum + Buffer.byteLength(JSON.stringify(line)) + 1, 0);
const sleeps: number[] = [];
const retry = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

async function connect(es: ElasticsearchMock, refresh: 'interval' | 'wait_for' = 'interval'): Promise<ElasticsearchStore> {
  const store = await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', refresh, replicas: 0, retry });
  es.clearRequests();
  return store;
}

/** A search answer with hits carrying `_source` and `sort`, and a total. */
function hits(total: number, items: { id: string; source: unknown; sort: unknown[] }[]): unknown {
  return { took: 1, timed_out: false, hits: { total: { value: total, relation: 'eq' }, hits: items.map((item) => ({ _index: 'pt-x', _id: item.id, _source: item.source, sort: item.sort })) } };
}

describe(ElasticsearchStore.name, () => {
  let es: ElasticsearchMock;

  beforeEach(() => {
    es = new ElasticsearchMock();
    sleeps.length = 0;
  });

  describe('install', () => {
    it('puts one index template per family, with ECS-compatible mappings that captured payloads cannot grow', async () => {
      es.acceptInstall();
      await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', replicas: 0, retry });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template bodies are walked freely here
      const templates = new Map(es.sent('PUT', /^\/_index_template\//).map((request) => [request.path.split('/').pop(), request.body as Record<string, any>]));
      expect([...templates.keys()].sort()).toEqual(['pt-alerts', 'pt-audit', 'pt-audit-head', 'pt-baselines', 'pt-engine-state', 'pt-events', 'pt-exports', 'pt-incidents', 'pt-outbox', 'pt-refused', 'pt-settings', 'pt-tokens', 'pt-tool-pins', 'pt-tool-versions']);
      const events = templates.get('pt-events')!;
      expect(events['index_patterns']).toEqual(['pt-events-*']);
      expect(events['template'].aliases).toEqual({ 'pt-events': {} });
      expect(events['template'].settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' });
      expect(events['template'].settings.analysis.analyzer.palisade_text).toEqual({ type: 'custom', tokenizer: 'palisade_words', filter: ['lowercase', 'asciifolding', 'palisade_token_limit'] });
      // The pattern tokenizer has no maximum token length, and Lucene refuses a document with a term over
      // 32766 bytes: tokens are cut last, to a length that cannot reach it even at 3 bytes per character.
      const limit = events['template'].settings.analysis.filter.palisade_token_limit;
      expect(limit.type).toBe('truncate');
      expect(limit.length * 3).toBeLessThanOrEqual(32_766);
      const mappings = events['template'].mappings;
      expect(mappings.dynamic).toBe(false);
      expect(mappings._source).toEqual({ excludes: ['palisade.text'] });
      expect(mappings.properties['@timestamp']).toEqual({ type: 'date' });
      expect(mappings.properties.event.properties.id).toEqual({ type: 'keyword' });
      expect(mappings.properties.mcp.properties.method.properties.name).toEqual({ type: 'keyword' });
      expect(mappings.properties.mcp.properties.session.properties.id).toEqual({ type: 'keyword' });
      expect(mappings.properties.gen_ai.properties.tool.properties.name).toEqual({ type: 'keyword' });
      expect(mappings.properties.palisade.properties.server.properties.name).toEqual({ type: 'keyword' });
      expect(mappings.properties.palisade.properties.text).toEqual({ type: 'text', analyzer: 'palisade_text' });
      expect(mappings.properties.palisade.properties.event).toEqual({ type: 'object', enabled: false });
      for (const body of templates.values()) expect(body['template'].mappings.dynamic).toBe(false);
      expect(templates.get('pt-alerts')!['index_patterns']).toEqual(['pt-alerts']);
      expect(templates.get('pt-alerts')!['template'].mappings.properties.palisade.properties.alert.properties.evidence).toEqual({ type: 'object', enabled: false });
      // Exports are listed by when they started and their state; the record itself is kept, never indexed.
      expect(templates.get('pt-exports')!['index_patterns']).toEqual(['pt-exports']);
      expect(templates.get('pt-exports')!['template'].mappings.properties).toEqual({ id: { type: 'keyword' }, startedMs: { type: 'long' }, state: { type: 'keyword' }, doc: { type: 'object', enabled: false } });
      expect(templates.get('pt-exports')!['version']).toBe(TEMPLATE_VERSION);
      // What Elasticsearch refused is kept whole and never indexed: it cannot be refused a second time.
      expect(templates.get('pt-refused')!['template'].mappings.properties.refused.properties.document).toEqual({ type: 'object', enabled: false });
    });

    it('creates the single indices and accepts those that exist already', async () => {
      es.acceptInstall();
      es.mock.clear({ method: 'PUT', path: '/:index' });
      es.on('PUT', '/:index', (request) => (request.path === '/pt-audit' ? errorAnswer(400, 'resource_already_exists_exception') : { acknowledged: true }));
      await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', retry });
      const created = es.sent('PUT', /^\/pt-[a-z-]+$/).map((request) => request.path);
      expect(created).toContain('/pt-alerts');
      expect(created).toContain('/pt-audit');
      expect(created).not.toContain('/pt-events');
    });

    it('fails with one line when the cluster refuses', async () => {
      es.on('GET', '/', () => errorAnswer(401, 'security_exception', 'missing authentication credentials'));
      await expect(ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', retry })).rejects.toMatchObject({
        code: StoreErrorCode.Backend,
        message: 'elasticsearch info (is the cluster reachable?) failed: HTTP 401 security_exception: missing authentication credentials',
      });
    });
  });

  describe('bulk writes', () => {
    beforeEach(() => es.acceptInstall());

    it('creates events in their day index with the event id, ECS fields and the extracted text', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body));
      const event = sampleEvent({ id: 'evt_bulk_000001', ts: '2026-11-20T23:59:59.500+00:00' });
      const late = sampleEvent({ id: 'evt_bulk_000002', ts: '2026-11-21T01:00:00+02:00' });
      expect(await store.events.insertMany([event, late])).toBe(2);
      const [bulk] = es.sent('POST', /^\/_bulk$/);
      expect(bulk!.querystring).toMatchObject({ refresh: 'false' });
      const lines = bulk!.body as Lines;
      expect(lines[0]).toEqual({ create: { _index: 'pt-events-2026.11.20', _id: 'evt_bulk_000001' } });
      expect(lines[2]).toEqual({ create: { _index: 'pt-events-2026.11.20', _id: 'evt_bulk_000002' } });
      expect(lines[1]).toMatchObject({
        '@timestamp': '2026-11-20T23:59:59.500Z',
        event: { id: 'evt_bulk_000001', kind: 'event', outcome: 'success', duration: 12_500_000 },
        mcp: { method: { name: 'tools/call' }, session: { id: 'session-1' } },
        gen_ai: { tool: { name: 'send_email' } },
        palisade: { server: { name: 'mail' }, outcome: 'ok', event },
      });
      expect((lines[1] as { palisade: { text: string } }).palisade.text).toContain('alice@example.com');
    });

    it('leaves out an event duration that no long can hold, since Elasticsearch would refuse the event', async () => {
      const store = await connect(es);
      const LONG_MAX = 2 ** 63 - 1;
      // What a `long` field does with a value out of range: the document is refused (400).
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (_, position) => (((request.body as Lines)[position * 2 + 1] as { event: { duration?: number } }).event.duration ?? 0) > LONG_MAX ? 400 : 201));
      const slow = sampleEvent({ id: 'evt_slow_000001', 'palisade.duration_ms': 1e13 });
      const plain = sampleEvent({ id: 'evt_plain_00001', 'palisade.duration_ms': 12.5 });
      expect(await store.events.insertMany([slow, plain])).toBe(2);
      const lines = es.sent('POST', /^\/_bulk$/)[0]!.body as Lines;
      expect((lines[1] as { event: Record<string, unknown> }).event).not.toHaveProperty('duration');
      expect(lines[1]).toMatchObject({ palisade: { event: { 'palisade.duration_ms': 1e13 } } });
      expect(lines[3]).toMatchObject({ event: { duration: 12_500_000 } });
    });

    it('counts a 409 on create as a duplicate, and reports only new alerts', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (Object.values(action)[0]!._id.endsWith('old') ? 409 : 201)));
      expect(await store.events.insertMany([sampleEvent({ id: 'evt_dup_000_old' }), sampleEvent({ id: 'evt_dup_000_new' })])).toBe(1);
      const alerts = [sampleAlert({ id: 'alr_old' }), sampleAlert({ id: 'alr_new' })];
      expect(await store.alerts.insertMany(alerts)).toEqual(['alr_new']);
      const alertLines = es.sent('POST', /^\/_bulk$/)[1]!.body as Lines;
      expect(alertLines[0]).toEqual({ create: { _index: 'pt-alerts', _id: 'alr_old' } });
      expect(alertLines[1]).toMatchObject({ event: { id: 'alr_old', kind: 'alert', severity: 3 }, rule: { id: 'command-injection' }, palisade: { alert: alerts[0] } });
    });

    it('backs off and sends the whole request again on 429 and 503', async () => {
      const store = await connect(es);
      let calls = 0;
      es.on('POST', '/_bulk', (request) => {
        calls += 1;
        if (calls === 1) return errorAnswer(429, 'es_rejected_execution_exception');
        if (calls === 2) return errorAnswer(503, 'unavailable_shards_exception');
        return bulkAnswer(request.body);
      });
      expect(await store.events.insertMany([sampleEvent(), sampleEvent()])).toBe(2);
      expect(calls).toBe(3);
      expect(sleeps).toEqual([75, 150]);
      expect((es.sent('POST', /^\/_bulk$/)[2]!.body as Lines).length).toBe(4);
    });

    it('sends again only the items refused for load', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (es.requests.length === 1 && Object.values(action)[0]!._id === 'evt_load_000002' ? 429 : 201)));
      expect(await store.events.insertMany([sampleEvent({ id: 'evt_load_000001' }), sampleEvent({ id: 'evt_load_000002' })])).toBe(2);
      const second = es.sent('POST', /^\/_bulk$/)[1]!.body as Lines;
      expect(second).toHaveLength(2);
      expect(second[0]).toEqual({ create: { _index: expect.any(String), _id: 'evt_load_000002' } });
    });

    it('gives up after the policy attempts, and fails at once on an item it cannot fix', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', () => errorAnswer(429, 'es_rejected_execution_exception'));
      await expect(store.events.insertMany([sampleEvent()])).rejects.toMatchObject({ code: StoreErrorCode.Unavailable, message: expect.stringMatching(/^elasticsearch bulk write gave up after 4 attempts/) });
      expect(sleeps).toEqual([75, 150, 300]);
      es.mock.clear({ method: 'POST', path: '/_bulk' });
      // A read-only index (the disk flood-stage watermark): sending again cannot help, keeping it aside neither.
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, () => 403));
      await expect(store.events.insertMany([sampleEvent({ id: 'evt_refused_001' })])).rejects.toMatchObject({
        code: StoreErrorCode.Backend,
        message: expect.stringContaining('create pt-events-2026.11.20/evt_refused_001: HTTP 403'),
      });
    });

    it('cuts a bulk write into requests under bulkMaxBytes, since Elasticsearch refuses a larger body outright (413)', async () => {
      const limit = 40_000;
      const store = await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', replicas: 0, retry, bulkMaxBytes: limit });
      es.clearRequests();
      // What http.max_content_length does: the body is refused whole, and sending it again cannot help.
      es.on('POST', '/_bulk', (request) => (ndjsonBytes(request.body as Lines) > limit ? errorAnswer(413, 'request_entity_too_large') : bulkAnswer(request.body)));
      const events = Array.from({ length: 12 }, (_, i) =>
        sampleEvent({ id: `evt_large_${String(i).padStart(6, '0')}`, 'palisade.response.result': { content: [{ type: 'text', text: `file ${i} `.repeat(1_000) }] } }),
      );
      expect(await store.events.insertMany(events)).toBe(12);
      const bulks = es.sent('POST', /^\/_bulk$/);
      expect(bulks.length).toBeGreaterThan(1);
      for (const bulk of bulks) expect(ndjsonBytes(bulk.body as Lines)).toBeLessThanOrEqual(limit);
      expect(bulks.flatMap((bulk) => (bulk.body as Lines).filter((_, line) => line % 2 === 0).map((meta) => (meta as { create: { _id: string } }).create._id))).toEqual(events.map((event) => event.id));
    });

    it('keeps each bulk request under 8 MiB by default', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body));
      const events = Array.from({ length: 3 }, (_, i) => sampleEvent({ id: `evt_huge_${String(i).padStart(6, '0')}`, 'palisade.response.result': { content: [{ type: 'text', text: 'x'.repeat(3_500_000) }] } }));
      expect(await store.events.insertMany(events)).toBe(3);
      const bulks = es.sent('POST', /^\/_bulk$/);
      expect(bulks.length).toBeGreaterThan(1);
      for (const bulk of bulks) expect(ndjsonBytes(bulk.body as Lines)).toBeLessThanOrEqual(8 * 1024 * 1024);
    });

    it('writes the other requests before reporting an item it cannot fix', async () => {
      const store = await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', replicas: 0, retry, bulkMaxBytes: 1 });
      es.clearRequests();
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (Object.values(action)[0]!._id === 'evt_bad_000001' ? 403 : 201)));
      const events = ['evt_bad_000001', 'evt_good_00002', 'evt_good_00003'].map((id) => sampleEvent({ id }));
      await expect(store.events.insertMany(events)).rejects.toMatchObject({ code: StoreErrorCode.Backend, message: expect.stringMatching(/^elasticsearch refused 1 of 3 bulk actions; first: create .*\/evt_bad_000001: HTTP 403/) });
      expect(es.sent('POST', /^\/_bulk$/)).toHaveLength(3);
    });

    it('keeps a document Elasticsearch refuses (400) aside with the reason instead of failing the batch, so one event cannot stall the pipeline', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (Object.values(action)[0]!._id === 'evt_shaped_0001' ? 400 : 201)));
      const events = ['evt_shaped_0001', 'evt_plain_00002'].map((id) => sampleEvent({ id }));
      expect(await store.events.insertMany(events)).toBe(1); // the refused one is not searchable, but it is kept
      const [, aside] = es.sent('POST', /^\/_bulk$/);
      const [meta, kept] = aside!.body as Lines;
      expect(meta).toEqual({ create: { _index: 'pt-refused', _id: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      expect(kept).toMatchObject({ refused: { index: 'pt-events-2026.11.20', id: 'evt_shaped_0001', op: 'create', status: 400, reason: expect.stringContaining('mapper_parsing_exception') } });
      expect(JSON.stringify(kept)).toContain('evt_shaped_0001');
      expect(store.stats().documentsKeptAside).toBe(1);

      // Sent again (a redelivered batch), it lands on the same keep-aside id: kept once.
      es.clearRequests();
      await store.events.insertMany(events.slice(0, 1));
      expect((es.sent('POST', /^\/_bulk$/)[1]!.body as Lines)[0]).toEqual(meta);

      // A keep-aside write that fails still fails the batch: nothing is dropped quietly.
      es.mock.clear({ method: 'POST', path: '/_bulk' });
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, () => 400));
      await expect(store.events.insertMany(events.slice(0, 1))).rejects.toMatchObject({ code: StoreErrorCode.Backend, message: expect.stringContaining('pt-refused') });
    });

    it('writes a batch’s events last, so a batch that fails part-way stores no event whose alerts or state are missing (a replay skips stored events)', async () => {
      const store = await connect(es);
      const bulkIndices = () => es.sent('POST', /^\/_bulk$/).flatMap((request) => (request.body as Lines).flatMap((line) => Object.values(line).flatMap((meta) => (meta && typeof meta === 'object' && '_index' in meta ? [String(meta._index)] : []))));
      // The engine-state write is refused: nothing after it may have been written.
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (Object.values(action)[0]!._index === 'pt-engine-state' ? 403 : 201)));
      const batch = { events: [sampleEvent({ id: 'evt_batch_00001' })], alerts: [sampleAlert({ id: 'alr_batch' })], engineState: [{ key: 'pin:math:add', json: '{"p":1}' }] };
      await expect(store.writeBatch(batch)).rejects.toMatchObject({ code: StoreErrorCode.Backend });
      expect(bulkIndices()).toEqual(['pt-alerts', 'pt-engine-state']);

      es.mock.clear({ method: 'POST', path: '/_bulk' });
      es.clearRequests();
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body));
      expect(await store.writeBatch(batch)).toMatchObject({ eventsInserted: 1, alertsInserted: ['alr_batch'] });
      expect(bulkIndices().at(-1)).toMatch(/^pt-events-/);
    });

    it('lets Elasticsearch re-run a tool version update that lost a race with another worker, instead of failing the batch with a 409', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body, () => 200));
      const version = sampleToolVersion();
      await store.writeBatch({ toolVersions: [version] });
      const [meta, body] = es.sent('POST', /^\/_bulk$/)[0]!.body as Lines;
      expect(meta).toEqual({ update: { _index: 'pt-tool-versions', _id: `${version.server}/${version.tool}/${version.hash}`, retry_on_conflict: 3 } });
      expect(body).toMatchObject({ script: { lang: 'painless' }, upsert: { hash: version.hash } });
    });

    it('lets Elasticsearch re-run a token revocation that raced with a last-use update', async () => {
      const store = await connect(es);
      es.on('POST', '/:index/_search', () => hits(1, [{ id: 'a'.repeat(64), source: {}, sort: [] }])).on('POST', '/:index/_update/:id', () => ({ result: 'updated' }));
      expect(await store.tokens.revoke('tok_1', at(1))).toBe(true);
      await store.tokens.touch('tok_1', at(2));
      const updates = es.sent('POST', /_update\//);
      expect(updates).toHaveLength(2);
      for (const update of updates) expect(update.querystring).toMatchObject({ retry_on_conflict: '3' });
    });

    it('stores alert and incident times with at most nine fraction digits, which is all Elasticsearch’s date parser takes', async () => {
      const store = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body));
      const precise = '2026-11-20T12:00:00.1234567891234+02:00';
      await store.alerts.insertMany([sampleAlert({ id: 'alr_precise', ts: precise })]);
      await store.incidents.upsert(sampleIncident({ id: 'inc_precise', firstSeen: precise, lastSeen: precise }));
      const [alertLines, incidentLines] = es.sent('POST', /^\/_bulk$/).map((request) => request.body as Lines);
      expect(alertLines![1]).toMatchObject({ '@timestamp': '2026-11-20T10:00:00.123Z', palisade: { alert: { id: 'alr_precise', ts: '2026-11-20T12:00:00.123456789+02:00' } } });
      expect(incidentLines![1]).toMatchObject({ palisade: { incident: { id: 'inc_precise', firstSeen: '2026-11-20T12:00:00.123456789+02:00', lastSeen: '2026-11-20T12:00:00.123456789+02:00' } } });
      // Ordinary timestamps go as they are.
      await store.alerts.insertMany([sampleAlert({ id: 'alr_plain', ts: '2026-11-20T12:00:00.5+02:00' })]);
      expect((es.sent('POST', /^\/_bulk$/)[2]!.body as Lines)[1]).toMatchObject({ palisade: { alert: { ts: '2026-11-20T12:00:00.5+02:00' } } });
    });

    it('keeps tool document ids within the 512 bytes Elasticsearch takes, whatever the tool is called', async () => {
      const store = await connect(es);
      const ids = (body: unknown): string[] => (body as Lines).flatMap((line) => Object.values(line).flatMap((meta) => (meta && typeof meta === 'object' && '_id' in meta ? [String(meta._id)] : [])));
      // Elasticsearch validates ids before anything else: one over 512 bytes fails the whole bulk with a 400.
      es.on('POST', '/_bulk', (request) => (ids(request.body).some((id) => Buffer.byteLength(id) > 512) ? errorAnswer(400, 'action_request_validation_exception', 'id is too long, must be no longer than 512 bytes') : bulkAnswer(request.body, () => 200)));
      es.on('GET', '/:index/_doc/:id', () => ({ found: false }));
      const tool = '工'.repeat(180); // 540 bytes of UTF-8, 180 characters: within the schema's 200
      await store.writeBatch({ toolPins: [sampleToolPin({ tool })], toolVersions: [sampleToolVersion({ tool })] });
      const sent = es.sent('POST', /^\/_bulk$/).flatMap((request) => ids(request.body));
      expect(sent).toHaveLength(2);
      for (const id of sent) expect(Buffer.byteLength(id)).toBeLessThanOrEqual(512);
      const metas = (es.sent('POST', /^\/_bulk$/)[0]!.body as Lines).flatMap((line) => ('index' in line ? [line['index'] as { _index: string; _id: string }] : []));
      const pinId = metas.find((meta) => meta._index === 'pt-tool-pins')!._id;
      await store.tools.get('files', tool);
      expect(decodeURIComponent(es.sent('GET', /_doc\//)[0]!.path.split('/').pop()!)).toBe(pinId);
      // An ordinary name keeps its readable id.
      await store.writeBatch({ toolPins: [sampleToolPin()] });
      expect(ids(es.sent('POST', /^\/_bulk$/)[1]!.body)).toEqual(['files/read_file']);
    });

    it('asks bulk writes to wait for the refresh when configured, and always for incidents', async () => {
      const store = await connect(es, 'wait_for');
      const interval = await connect(es);
      es.on('POST', '/_bulk', (request) => bulkAnswer(request.body));
      await store.events.insertMany([sampleEvent()]);
      await interval.writeBatch({ incidents: [sampleIncident({ id: 'inc_wait' })] });
      const [events, incidents] = es.sent('POST', /^\/_bulk$/);
      expect(events!.querystring).toMatchObject({ refresh: 'wait_for' });
      expect(incidents!.querystring).toMatchObject({ refresh: 'wait_for' });
      expect((incidents!.body as Lines)[0]).toEqual({ index: { _index: 'pt-incidents', _id: 'inc_wait' } });
    });
  });

  describe('search', () => {
    beforeEach(() => es.acceptInstall());

    it('sorts newest first, counts exactly, and follows the cursor with search_after', async () => {
      const store = await connect(es);
      const first = sampleEvent({ id: 'evt_page_000003', ts: at(3) });
      const second = sampleEvent({ id: 'evt_page_000002', ts: at(2) });
      const third = sampleEvent({ id: 'evt_page_000001', ts: at(1) });
      es.on('POST', '/:index/_search', (request) => {
        const body = request.body as { search_after?: unknown[] };
        const source = (event: typeof first): unknown => ({ palisade: { event } });
        return body.search_after
          ? hits(3, [{ id: third.id, source: source(third), sort: [Date.parse(third.ts), third.id] }])
          : hits(3, [first, second, third].map((event) => ({ id: event.id, source: source(event), sort: [Date.parse(event.ts), event.id] })));
      });
      const page = await store.events.search(EventQuery.parse({ limit: 2, server: 'mail', q: 'quarterly rep*', from: at(0), to: at(9) }));
      expect(page.items.map((event) => event.id)).toEqual([first.id, second.id]);
      expect(page.total).toBe(3);
      const [request] = es.sent('POST', /^\/pt-events\/_search$/) as [RecordedRequest];
      expect(request.body).toEqual({
        query: {
          bool: {
            filter: [{ term: { 'palisade.server.name': 'mail' } }, { range: { '@timestamp': { gte: Date.parse(at(0)), lt: Date.parse(at(9)), format: 'epoch_millis' } } }],
            must: [{ match_phrase: { 'palisade.text': { query: 'quarterly' } } }, { match_phrase_prefix: { 'palisade.text': { query: 'rep' } } }],
          },
        },
        sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }],
        size: 3,
        track_total_hits: true,
      });
      expect(request.querystring).toMatchObject({ ignore_unavailable: 'true', allow_no_indices: 'true' });
      const next = await store.events.search(EventQuery.parse({ limit: 2, server: 'mail', cursor: page.nextCursor }));
      expect(next.items.map((event) => event.id)).toEqual([third.id]);
      expect(next.nextCursor).toBeUndefined();
      expect((es.sent('POST', /_search$/)[1]!.body as { search_after: unknown[] }).search_after).toEqual([Date.parse(second.ts), second.id]);
      await expect(store.incidents.search(IncidentQuery.parse({ cursor: page.nextCursor }))).rejects.toMatchObject({ code: StoreErrorCode.InvalidCursor });
    });

    it('sorts the incident queue by severity rank, then latest activity', async () => {
      const store = await connect(es);
      es.on('POST', '/:index/_search', () => hits(1, [{ id: 'inc_1', source: { palisade: { incident: sampleIncident({ id: 'inc_1' }) } }, sort: [4, 1000, 'inc_1'] }]));
      const page = await store.incidents.search(IncidentQuery.parse({ sort: 'severity', status: 'open', category: 'tool_poisoning', q: 'pastebin', limit: 1 }));
      expect(page.items.map((incident) => incident.id)).toEqual(['inc_1']);
      expect(es.requests[0]!.path).toBe('/pt-incidents/_search');
      expect(es.requests[0]!.body).toMatchObject({
        query: { bool: { filter: [{ term: { 'palisade.incident.status': 'open' } }, { term: { 'palisade.incident.categories': 'tool_poisoning' } }], must: [{ match_phrase: { 'palisade.text': { query: 'pastebin' } } }] } },
        sort: [{ 'palisade.severity_rank': { order: 'desc' } }, { 'palisade.incident.lastSeen': { order: 'desc' } }, { 'palisade.incident.id': { order: 'desc' } }],
      });
    });
  });

  describe('exports and tokens', () => {
    beforeEach(() => es.acceptInstall());

    it('writes an export record under its id with what lists sort and filter on, and waits until it is searchable', async () => {
      const store = await connect(es);
      es.on('PUT', '/:index/_doc/:id', () => ({ result: 'created' }));
      const running = sampleExport({ state: 'running', startedAt: at(2), createdAt: at(2) });
      const legacy = sampleExport({ createdAt: at(4) }) as unknown as Record<string, unknown>;
      for (const field of ['state', 'startedAt']) delete legacy[field];
      await store.exports.put(running);
      await store.exports.put(legacy as never);
      const [first, second] = es.sent('PUT', /^\/pt-exports\/_doc\//) as [RecordedRequest, RecordedRequest];
      expect(first.path).toBe(`/pt-exports/_doc/${running.id}`);
      expect(first.querystring).toMatchObject({ refresh: 'wait_for' });
      expect(first.body).toEqual({ id: running.id, startedMs: Date.parse(at(2)), state: 'running', doc: running });
      // A record from before states: done, placed at its createdAt.
      expect(second.body).toEqual({ id: legacy['id'], startedMs: Date.parse(at(4)), state: 'done', doc: legacy });
    });

    it('pages exports newest first by start, filtered by state and [from, to) on the start, with search_after', async () => {
      const store = await connect(es);
      const records = [3, 2, 1].map((minute) => sampleExport({ startedAt: at(minute), state: 'failed' }));
      es.on('POST', '/:index/_search', (request) => {
        const after = (request.body as { search_after?: unknown[] }).search_after;
        const rows = after ? records.slice(2) : records;
        return hits(3, rows.map((record) => ({ id: record.id, source: { id: record.id, doc: record }, sort: [Date.parse(record.startedAt), record.id] })));
      });
      const page = await store.exports.search(ExportQuery.parse({ state: 'failed', from: at(0), to: at(9), limit: 2 }));
      expect(page.items).toEqual(records.slice(0, 2));
      expect(page.total).toBe(3);
      const [request] = es.sent('POST', /^\/pt-exports\/_search$/) as [RecordedRequest];
      expect(request.body).toEqual({
        // A long takes no date `format`: bounds are plain epoch milliseconds.
        query: { bool: { filter: [{ term: { state: 'failed' } }, { range: { startedMs: { gte: Date.parse(at(0)), lt: Date.parse(at(9)) } } }] } },
        sort: [{ startedMs: { order: 'desc' } }, { id: { order: 'desc' } }],
        size: 3,
        track_total_hits: true,
      });
      const next = await store.exports.search(ExportQuery.parse({ limit: 2, cursor: page.nextCursor }));
      expect(next.items).toEqual([records[2]]);
      expect(next.nextCursor).toBeUndefined();
      expect(es.sent('POST', /_search$/)[1]!.body).toMatchObject({ query: { bool: { filter: [] } }, search_after: [Date.parse(at(2)), records[1]!.id] });
      await expect(store.tokens.search(TokenQuery.parse({ cursor: page.nextCursor }))).rejects.toMatchObject({ code: StoreErrorCode.InvalidCursor });
    });

    it('pages tokens newest first by createdMs, then id, with [from, to) on createdMs', async () => {
      const store = await connect(es);
      es.on('POST', '/:index/_search', () => hits(0, []));
      expect(await store.tokens.search(TokenQuery.parse({ from: at(1), to: at(2), limit: 10 }))).toEqual({ items: [], total: 0 });
      const [request] = es.sent('POST', /^\/pt-tokens\/_search$/) as [RecordedRequest];
      expect(request.body).toEqual({
        query: { bool: { filter: [{ range: { createdMs: { gte: Date.parse(at(1)), lt: Date.parse(at(2)) } } }] } },
        sort: [{ createdMs: { order: 'desc' } }, { id: { order: 'desc' } }],
        size: 11,
        track_total_hits: true,
      });
    });

    it('pages a tool’s versions newest first by firstSeenMs, then hash, with [from, to) on firstSeenMs and search_after, and reads one by its id', async () => {
      const store = await connect(es);
      const version = sampleToolVersion({ firstSeen: at(3), lastSeen: at(4) });
      const source = { server: 'files', tool: 'read_file', hash: version.hash, firstSeenMs: Date.parse(at(3)), lastSeenMs: Date.parse(at(4)), doc: version };
      es.on('POST', '/:index/_search', () => hits(3000, [0, 1, 2].map((i) => ({ id: `files/read_file/${i}`, source, sort: [Date.parse(at(3)) - i, `h${i}`] }))));
      const page = await store.tools.versions('files', 'read_file', { limit: 2, from: at(1), to: at(9) });
      expect(page.items).toEqual([version, version]);
      expect(page.total).toBe(3000);
      const [request] = es.sent('POST', /^\/pt-tool-versions\/_search$/) as [RecordedRequest];
      expect(request.body).toEqual({
        query: { bool: { filter: [{ term: { server: 'files' } }, { term: { tool: 'read_file' } }, { range: { firstSeenMs: { gte: Date.parse(at(1)), lt: Date.parse(at(9)) } } }] } },
        sort: [{ firstSeenMs: { order: 'desc' } }, { hash: { order: 'desc' } }],
        size: 3,
        track_total_hits: true,
      });
      es.clearRequests();
      await store.tools.versions('files', 'read_file', { cursor: page.nextCursor });
      expect((es.sent('POST', /^\/pt-tool-versions\/_search$/)[0]!.body as { search_after: unknown }).search_after).toEqual([Date.parse(at(3)) - 1, 'h1']);
      await expect(store.tools.versions('files', 'read_file', { cursor: Buffer.from(JSON.stringify(['tokens', 1, 'x'])).toString('base64url') })).rejects.toMatchObject({ code: StoreErrorCode.InvalidCursor });

      es.on('GET', '/pt-tool-versions/_doc/*', () => ({ _index: 'pt-tool-versions', _id: 'x', found: true, _source: source }));
      expect(await store.tools.version('files', 'read_file', version.hash)).toEqual(version);
      expect(decodeURIComponent(es.sent('GET', /^\/pt-tool-versions\/_doc\//)[0]!.path)).toBe(`/pt-tool-versions/_doc/files/read_file/${version.hash}`);
    });

    it('reads pending deliveries oldest queued first (createdMs, then id), due or not, and those due at a time by their next attempt', async () => {
      const store = await connect(es);
      es.on('POST', '/:index/_search', () => hits(0, []));
      expect(await store.outbox.pending(1000)).toEqual([]);
      expect(await store.outbox.due(at(3), 100)).toEqual([]);
      expect(await store.outbox.pending(0)).toEqual([]);
      expect(es.sent('POST', /^\/pt-outbox\/_search$/).map((request) => request.body)).toEqual([
        { query: { bool: { filter: [{ term: { status: 'pending' } }] } }, sort: [{ createdMs: { order: 'asc' } }, { id: { order: 'asc' } }], size: 1000 },
        { query: { bool: { filter: [{ term: { status: 'pending' } }, { range: { nextAttemptMs: { lte: Date.parse(at(3)) } } }] } }, sort: [{ nextAttemptMs: { order: 'asc' } }, { createdMs: { order: 'asc' } }, { id: { order: 'asc' } }], size: 100 },
      ]);
    });

    it('moves export records an earlier version kept among the settings into their index when it connects, never over a newer record', async () => {
      const moved = sampleExport({ startedAt: at(1) });
      const timeless = { id: 'exp_timeless', createdAt: 'yesterday' };
      es.mock.clear({ method: 'POST', path: '/pt-settings/_search' });
      es.on('POST', '/pt-settings/_search', (request) => {
        if ((request.body as { search_after?: unknown }).search_after) return hits(2, []);
        return hits(2, [
          { id: `export/${moved.id}`, source: { key: `export/${moved.id}`, value: { v: moved } }, sort: [`export/${moved.id}`] },
          { id: 'export/exp_timeless', source: { key: 'export/exp_timeless', value: { v: timeless } }, sort: ['export/exp_timeless'] },
        ]);
      }).on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (action['create'] ? 409 : 200)));
      await ElasticsearchStore.connect(es.client, { indexPrefix: 'pt', replicas: 0, retry });
      const [search] = es.sent('POST', /^\/pt-settings\/_search$/) as [RecordedRequest];
      expect(search.body).toMatchObject({ query: { prefix: { key: 'export/' } } });
      const [creates, deletes] = es.sent('POST', /^\/_bulk$/) as [RecordedRequest, RecordedRequest];
      // `create`: a record with that id written since (409) is newer, and stays as it is.
      expect(creates.body).toEqual([{ create: { _index: 'pt-exports', _id: moved.id } }, { id: moved.id, startedMs: Date.parse(at(1)), state: 'done', doc: moved }]);
      // Only what was moved leaves the settings; a record with no time to list it by stays there.
      expect(deletes.body).toEqual([{ delete: { _index: 'pt-settings', _id: `export/${moved.id}` } }]);
    });
  });

  describe('engine state reads', () => {
    beforeEach(() => es.acceptInstall());

    it('reads many keys with real-time multi-gets of at most MGET_IDS ids, in the order asked, leaving out missing documents', async () => {
      const store = await connect(es);
      const keys = Array.from({ length: MGET_IDS * 2 + 5 }, (_, index) => `baseline:files/t${index}`);
      const long = `pin:files/${'x'.repeat(300)}`;
      es.on('POST', '/:index/_mget', (request) => ({
        docs: (request.body as { ids: string[] }).ids.map((id) =>
          id.startsWith('sha256:') ? { _id: id, found: true, _source: { key: long, value: { v: { pinned: true } } } } : Number(id.split('/t')[1]) % 2 === 0 ? { _id: id, found: true, _source: { key: id, value: { v: { n: Number(id.split('/t')[1]) } } } } : { _id: id, found: false },
        ),
      }));
      const entries = await store.engineState.getMany([long, ...keys, keys[0]!]);
      const requests = es.sent('POST', /^\/pt-engine-state\/_mget$/);
      expect(requests.map((request) => (request.body as { ids: string[] }).ids.length)).toEqual([MGET_IDS, MGET_IDS, 6]);
      // A key longer than an `_id` may be is asked for under its hash, and found by the key its document names.
      expect((requests[0]!.body as { ids: string[] }).ids[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(entries[0]).toEqual({ key: long, value: { pinned: true } });
      expect(entries.slice(1).map((entry) => entry.key)).toEqual(keys.filter((_, index) => index % 2 === 0));
      expect(entries[1]).toEqual({ key: keys[0], value: { n: 0 } });
      expect(await store.engineState.getMany([])).toEqual([]);
      expect(es.sent('POST', /_mget$/)).toHaveLength(3);
    });
  });

  describe('aggregations', () => {
    beforeEach(() => es.acceptInstall());

    it('counts alerts per tool with a terms aggregation (server, then tool) over the statuses asked', async () => {
      const store = await connect(es);
      es.on('POST', '/:index/_search', () => ({
        took: 1,
        timed_out: false,
        hits: { total: { value: 3, relation: 'eq' }, hits: [] },
        aggregations: {
          servers: { buckets: [{ key: 'files', doc_count: 3, tools: { buckets: [{ key: 'read_file', doc_count: 2 }, { key: 'write_file', doc_count: 1 }] } }] },
        },
      }));
      expect(await store.alerts.countByTool(['open', 'triaging'], { server: 'files' })).toEqual([
        { server: 'files', tool: 'read_file', count: 2 },
        { server: 'files', tool: 'write_file', count: 1 },
      ]);
      const [request] = es.sent('POST', /^\/pt-alerts\/_search$/) as [RecordedRequest];
      expect(request.body).toMatchObject({
        size: 0,
        query: { bool: { filter: [{ terms: { 'palisade.alert.status': ['open', 'triaging'] } }, { exists: { field: 'palisade.alert.tool' } }, { term: { 'palisade.alert.server': 'files' } }] } },
        aggs: { servers: { terms: { field: 'palisade.alert.server' }, aggs: { tools: { terms: { field: 'palisade.alert.tool' } } } } },
      });
    });
  });

  describe('audit chain', () => {
    beforeEach(() => es.acceptInstall());

    it('creates entry N with _id N, and after losing a race links its entry after the new end', async () => {
      const store = await connect(es);
      const stored = new Map<string, AuditEntry>();
      // Another writer's entry 1 is already there when this writer starts from an empty hint.
      const rival = { seq: 1, ts: at(0), actor: { type: 'system', id: 'rival' }, action: 'x.y', target: 't', details: {}, prevHash: '0'.repeat(64) } as Omit<AuditEntry, 'hash'>;
      const rivalEntry = { ...rival, hash: computeAuditHash(rival) } as AuditEntry;
      let rivalVisible = false;
      es.on('GET', '/:index/_doc/:id', () => ({ found: false }))
        .on('POST', '/:index/_search', () => hits(0, []))
        .on('POST', '/:index/_mget', (request) => ({
          docs: (request.body as { ids: string[] }).ids.map((id) => {
            const entry = id === '1' && rivalVisible ? rivalEntry : stored.get(id);
            return entry ? { _id: id, found: true, _source: { palisade: { audit: entry } } } : { _id: id, found: false };
          }),
        }))
        .on('PUT', '/:index/_create/:id', (request) => {
          const id = request.path.split('/').pop()!;
          if (id === '1') {
            rivalVisible = true;
            return errorAnswer(409, 'version_conflict_engine_exception');
          }
          stored.set(id, (request.body as { palisade: { audit: AuditEntry } }).palisade.audit);
          return { result: 'created' };
        })
        .on('PUT', '/:index/_doc/:id', () => ({ result: 'created' }));
      const [entry] = await store.audit.append([sampleAudit()]);
      expect(entry).toMatchObject({ seq: 2, prevHash: rivalEntry.hash });
      expect(verifyAuditChain([rivalEntry, entry!]).ok).toBe(true);
      const creates = es.sent('PUT', /_create\//).map((request) => request.path);
      expect(creates).toEqual(['/pt-audit/_create/1', '/pt-audit/_create/2']);
      const head = es.sent('PUT', /^\/pt-audit-head\/_doc\/head$/)[0]!;
      expect(head.querystring).toMatchObject({ version: '2', version_type: 'external' });
      expect(head.body).toEqual({ seq: 2, hash: entry!.hash });
    });

    it('recognises its own entry when a create it sent again answers 409 (the first landed, its answer was lost), and appends it once', async () => {
      const store = await connect(es);
      const stored = new Map<string, AuditEntry>();
      const source = (id: string) => (stored.has(id) ? { _id: id, found: true, _source: { palisade: { audit: stored.get(id) } } } : { _id: id, found: false });
      es.on('GET', '/:index/_doc/:id', (request) => (request.path.startsWith('/pt-audit/') ? source(request.path.split('/').pop()!) : { found: false }))
        .on('POST', '/:index/_search', () => hits(0, []))
        .on('POST', '/:index/_mget', (request) => ({ docs: (request.body as { ids: string[] }).ids.map(source) }))
        .on('PUT', '/:index/_create/:id', (request) => {
          const id = request.path.split('/').pop()!;
          if (stored.has(id)) return errorAnswer(409, 'version_conflict_engine_exception');
          stored.set(id, (request.body as { palisade: { audit: AuditEntry } }).palisade.audit);
          return errorAnswer(503, 'unavailable_shards_exception'); // written, but the answer says otherwise
        })
        .on('PUT', '/:index/_doc/:id', () => ({ result: 'created' }));
      const written = await store.audit.append([sampleAudit()]);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ seq: 1 });
      expect(es.sent('PUT', /_create\//).map((request) => request.path)).toEqual(['/pt-audit/_create/1', '/pt-audit/_create/1']);
      expect([...stored.keys()]).toEqual(['1']);
    });
  });

  describe('engine state', () => {
    beforeEach(() => es.acceptInstall());

    it('refreshes what the pipeline writes before loading the checkpoints, since pipeline writes do not wait for the refresh', async () => {
      const store = await connect(es);
      es.on(['POST', 'GET'], '/:index/_refresh', () => ({ _shards: { total: 1, successful: 1, failed: 0 } }))
        .on(['POST', 'GET'], '/:index/_search', () => hits(1, [{ id: 'k', source: { key: 'pin:math:add', value: { v: { pinned: true } } }, sort: ['pin:math:add'] }]));
      expect(await store.engineState.loadAll()).toEqual([{ key: 'pin:math:add', value: { pinned: true } }]);
      const paths = es.requests.map((request) => `${request.method} ${decodeURIComponent(request.path)}`);
      const refresh = paths.findIndex((path) => path.endsWith('/_refresh'));
      expect(refresh).toBeGreaterThanOrEqual(0);
      expect(refresh).toBeLessThan(paths.findIndex((path) => path.endsWith('/_search')));
      for (const index of ['pt-engine-state', 'pt-events', 'pt-alerts']) expect(paths[refresh]).toContain(index);
    });
  });

  describe('retention', () => {
    beforeEach(() => es.acceptInstall());

    it('deletes whole daily indices before the cut-off day and the older events of that day by query', async () => {
      const store = await connect(es);
      es.on('GET', '/:index', () => ({ 'pt-events-2026.11.18': {}, 'pt-events-2026.11.19': {}, 'pt-events-2026.11.20': {}, 'pt-events-2026.11.21': {} }))
        .on(['GET', 'POST'], '/:index/_count', (request) => ({ count: request.path.includes('11.18') ? 5 : 7 }))
        .on('DELETE', '/:index', () => ({ acknowledged: true }))
        .on('POST', '/:index/_delete_by_query', () => ({ task: 'node-1:42' }))
        .on('GET', '/_tasks/:id', () => ({ completed: true, task: {}, response: { deleted: 3 } }));
      expect(await store.events.deleteBefore('2026-11-20T12:00:00.000Z')).toBe(5 + 7 + 3);
      expect(es.sent('DELETE', /./).map((request) => request.path)).toEqual(['/pt-events-2026.11.18', '/pt-events-2026.11.19']);
      const [byQuery] = es.sent('POST', /_delete_by_query$/);
      expect(byQuery!.path).toBe('/pt-events-2026.11.20/_delete_by_query');
      expect(byQuery!.body).toEqual({ query: { bool: { filter: [{ range: { '@timestamp': { lt: Date.parse('2026-11-20T12:00:00.000Z'), format: 'epoch_millis' } } }] } } });
    });

    it('prunes tool versions last seen before the cut-off, one tool at a time, keeping its first, latest, pinned and current ones and those evidence names', async () => {
      const store = await connect(es);
      const cut = '2026-11-20T12:00:00.000Z';
      const doc = (tool: string, i: number) => {
        const version = sampleToolVersion({ tool, hash: i.toString(16).repeat(64), firstSeen: at(i), lastSeen: at(i), eventId: `evt_list_${i}` });
        return { _index: 'pt-tool-versions', _id: `files/${tool}/${version.hash}`, _seq_no: 100 + i, _primary_term: 1, _source: { server: 'files', tool, hash: version.hash, firstSeenMs: Date.parse(at(i)), lastSeenMs: Date.parse(at(i)), doc: version }, sort: ['files', tool, Date.parse(at(i)), version.hash] };
      };
      const answer = (items: unknown[]) => ({ took: 1, timed_out: false, hits: { total: { value: items.length, relation: 'eq' }, hits: items } });
      // read_file: versions 1..6 are old; 1 is its first, 2 pinned, 3 current, 4 named by an alert, 5 by its event; 7 (newer) is the latest.
      // write_file: 8 (its first) and 9 are old, 10 is its latest; 9 is listed again while retention runs.
      const candidates = [...[1, 2, 3, 4, 5, 6].map((i) => doc('read_file', i)), doc('write_file', 8), doc('write_file', 9)];
      const ends: Record<string, [number, number]> = { read_file: [1, 7], write_file: [8, 10] };
      es.on('POST', '/:index/_search', (request) => {
        const body = request.body as { sort: Record<string, { order: string }>[]; query: { bool: { filter: { term?: { tool?: string } }[] } } };
        if (body.sort.length === 4) return answer(candidates);
        const tool = body.query.bool.filter.find((f) => f.term?.tool)?.term?.tool ?? '';
        return answer([doc(tool, ends[tool]![body.sort[0]!['firstSeenMs']!.order === 'asc' ? 0 : 1])]);
      })
        .on('GET', '/pt-tool-pins/_doc/*', (request) => {
          const tool = decodeURIComponent(request.path).split('/').pop();
          return { _index: 'pt-tool-pins', _id: 'x', found: true, _source: { server: 'files', tool, doc: sampleToolPin({ tool, pinnedHash: '2'.repeat(64), currentHash: '3'.repeat(64) }) } };
        })
        .on('POST', '/_bulk', (request) => bulkAnswer(request.body, (action) => (action['delete']?._id.includes('/write_file/') ? 409 : 200)));
      expect(await store.tools.deleteVersionsBefore(cut, { hashes: new Set(['4'.repeat(64)]), eventIds: new Set(['evt_list_5']) })).toBe(1);
      const [scan] = es.sent('POST', /^\/pt-tool-versions\/_search$/);
      expect(scan!.body).toEqual({
        query: { bool: { filter: [{ range: { lastSeenMs: { lt: Date.parse(cut), format: 'epoch_millis' } } }] } },
        sort: [{ server: { order: 'asc' } }, { tool: { order: 'asc' } }, { firstSeenMs: { order: 'asc' } }, { hash: { order: 'asc' } }],
        size: 1000,
        track_total_hits: false,
        seq_no_primary_term: true,
      });
      // Each deleted only if still the document read: version 9, listed again since (409), stays and is not counted.
      const bulks = es.sent('POST', /^\/_bulk$/).map((request) => request.body);
      expect(bulks).toEqual([
        [{ delete: { _index: 'pt-tool-versions', _id: `files/read_file/${'6'.repeat(64)}`, if_seq_no: 106, if_primary_term: 1 } }],
        [{ delete: { _index: 'pt-tool-versions', _id: `files/write_file/${'9'.repeat(64)}`, if_seq_no: 109, if_primary_term: 1 } }],
      ]);
      expect(es.sent('POST', /^\/_bulk$/)[0]!.querystring).toMatchObject({ refresh: 'wait_for' });
    });

    it('runs a retention delete as a task and follows it to its end, instead of a request that outlasts the client timeout and is sent again beside itself', async () => {
      const store = await connect(es);
      let looks = 0;
      es.on('POST', '/:index/_delete_by_query', () => ({ task: 'node-1:77' })).on('GET', '/_tasks/:id', () => {
        looks += 1;
        return looks < 3 ? { completed: false, task: {} } : { completed: true, task: {}, response: { deleted: 120_000 } };
      });
      expect(await store.alerts.deleteBefore('2026-11-20T12:00:00.000Z')).toBe(120_000);
      const [start] = es.sent('POST', /_delete_by_query$/);
      expect(start!.querystring).toMatchObject({ wait_for_completion: 'false', conflicts: 'proceed' });
      expect(es.sent('POST', /_delete_by_query$/)).toHaveLength(1);
      expect(es.sent('GET', /^\/_tasks\//).map((request) => decodeURIComponent(request.path))).toEqual(['/_tasks/node-1:77', '/_tasks/node-1:77', '/_tasks/node-1:77']);
      expect(sleeps).toEqual([1000, 1000]);

      es.mock.clear({ method: 'GET', path: '/_tasks/:id' });
      es.on('GET', '/_tasks/:id', () => ({ completed: true, task: {}, error: { type: 'search_phase_execution_exception', reason: 'all shards failed' } }));
      await expect(store.alerts.deleteBefore('2026-11-20T12:00:00.000Z')).rejects.toMatchObject({ code: StoreErrorCode.Backend, message: 'elasticsearch delete old alerts failed: search_phase_execution_exception all shards failed' });
    });
  });
});
