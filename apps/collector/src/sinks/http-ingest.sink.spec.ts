import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/support/local-http.server.js';
import { DetectorReachabilityNotice } from './detector-reachability.notice.js';
import { HttpIngestSink } from './http-ingest.sink.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const events = [
  { id: 'E1', key: 'fs/S', json: '{"id":"E1"}' },
  { id: 'E2', key: 'fs/S', json: '{"id":"E2"}' },
];

describe(HttpIngestSink.name, () => {
  it('POSTs NDJSON to /api/ingest with the collector token', async () => {
    const api = await startLocalServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":2}'));
    closers.push(api.close);
    const result = await new HttpIngestSink(api.url, 'col-token', 1000).send(events);
    expect(result).toEqual({ kind: 'success', count: 2 });
    expect(api.seen[0]).toMatchObject({ method: 'POST', url: '/api/ingest', body: '{"id":"E1"}\n{"id":"E2"}\n' });
    expect(api.seen[0]?.headers.authorization).toBe('Bearer col-token');
    expect(api.seen[0]?.headers['content-type']).toBe('application/x-ndjson');
  });

  it('says retryable for a detector that is down, busy or not ready, and failure for a refused batch', async () => {
    let status = 503;
    const api = await startLocalServer((_req, res) => res.writeHead(status).end('nope'));
    closers.push(api.close);
    const sink = new HttpIngestSink(api.url, 't', 1000);
    expect((await sink.send(events)).kind).toBe('retryable');
    status = 401;
    expect((await sink.send(events)).kind).toBe('retryable');
    status = 400;
    expect(await sink.send(events)).toMatchObject({ kind: 'failure', error: expect.stringContaining('HTTP 400') });
    await api.close();
    expect((await sink.send(events)).kind).toBe('retryable');
  });

  it('tells the reachability notice of 5xx answers with their body, which says why once they go on', async () => {
    const api = await startLocalServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable","message":"store unavailable"}}'));
    closers.push(api.close);
    const lines: string[] = [];
    const clock = { now: 0 };
    const notice = new DetectorReachabilityNotice(api.url, '/spool', () => true, (line) => lines.push(line), () => clock.now);
    const sink = new HttpIngestSink(api.url, 'col-token', 1000, fetch, undefined, notice);
    expect(await sink.send(events)).toMatchObject({ kind: 'retryable', error: expect.stringContaining('HTTP 503') });
    clock.now = 10_000;
    await sink.send(events);
    expect(lines).toEqual([`the detector at ${api.url} answers HTTP 503 (POST /api/ingest for 10 s: store unavailable): events are kept in the spool (/spool) and sent once it accepts them (check the detector's log)`]);
  });
});
