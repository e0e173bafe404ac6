import { type Logger, pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalServer } from '../../test/support/local-http.server.js';
import { DetectorReachabilityNotice } from '../sinks/detector-reachability.notice.js';
import { ApiQuarantinePoller } from './api-quarantine.poller.js';
import { QuarantineRegistry } from './quarantine.registry.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A poller (every 200 ms) of an API that never answers, with its warnings and unreachability notices recorded. */
async function overSilentApi() {
  const api = await startLocalServer(() => undefined);
  closers.push(api.close);
  const warned = vi.fn();
  const failed = vi.fn();
  const logger = { warn: warned, info: vi.fn() } as unknown as Logger;
  const reachability = { failed, answered: vi.fn() } as unknown as ConstructorParameters<typeof ApiQuarantinePoller>[7];
  const registry = new QuarantineRegistry('fs');
  return { api, registry, warned, failed, poller: new ApiQuarantinePoller(registry, api.url, 'col-token', 200, logger, fetch, undefined, reachability) };
}

describe(ApiQuarantinePoller.name, () => {
  it('reads quarantined tools of its server from GET /api/tools, page by page, with the collector token', async () => {
    const api = await startLocalServer((req, res) => {
      const page = new URL(req.url, 'http://x').searchParams.get('cursor');
      const body = page
        ? { items: [{ server: 'fs', tool: 'write', quarantine: { reason: 'drift', incidentId: null } }] }
        : { items: [{ server: 'fs', tool: 'read', quarantine: { reason: 'poisoning', incidentId: 'INC-9' } }, { server: 'fs', tool: 'list', quarantine: null }], nextCursor: 'p2' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    closers.push(api.close);
    const registry = new QuarantineRegistry('fs');
    const poller = new ApiQuarantinePoller(registry, api.url, 'col-token', 1000, pino({ level: 'silent' }));
    await poller.poll();
    expect(registry.list()).toEqual([
      { tool: 'read', reason: 'poisoning', incidentId: 'INC-9' },
      { tool: 'write', reason: 'drift', incidentId: null },
    ]);
    expect(registry.ready).toBe(true);
    expect(api.seen[0]?.url).toBe('/api/tools?server=fs&limit=500');
    expect(api.seen[0]?.headers.authorization).toBe('Bearer col-token');
  });

  it('waits for an API that answers slower than the poll interval (a loaded machine) instead of giving the poll up', async () => {
    const quarantined = { items: [{ server: 'fs', tool: 'read', quarantine: { reason: 'poisoning', incidentId: 'INC-9' } }] };
    const api = await startLocalServer((_req, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(quarantined)), 1500));
    closers.push(api.close);
    const registry = new QuarantineRegistry('fs');
    const poller = new ApiQuarantinePoller(registry, api.url, 'col-token', 200, pino({ level: 'silent' }));
    await poller.poll();
    expect(registry.list()).toEqual([{ tool: 'read', reason: 'poisoning', incidentId: 'INC-9' }]);
    expect(registry.ready).toBe(true);
  });

  it('gives up the poll in flight when stopped, without calling the API unreachable', async () => {
    const { api, registry, poller, warned, failed } = await overSilentApi();
    poller.start();
    await vi.waitFor(() => expect(api.seen).toHaveLength(1), { timeout: 10_000 });
    await poller.stop();
    expect([warned.mock.calls, failed.mock.calls]).toEqual([[], []]);
    expect(registry.ready).toBe(false);
  });

  it('gives up a poll the API never answers after its timeout, and says so', async () => {
    const { api, registry, poller, warned } = await overSilentApi();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const polled = poller.poll();
      await vi.waitFor(() => expect(api.seen).toHaveLength(1), { timeout: 10_000 });
      await vi.advanceTimersByTimeAsync(10_000);
      await polled;
    } finally {
      vi.useRealTimers();
    }
    expect(warned).toHaveBeenCalledWith({ error: 'The operation was aborted due to timeout' }, 'cannot read quarantine state from the API (keeping the last known)');
    expect(registry.ready).toBe(false);
  });

  it('keeps the last known state when the API cannot be read', async () => {
    const registry = new QuarantineRegistry('fs');
    registry.replaceAll([{ tool: 'read', reason: 'r', incidentId: null }]);
    const poller = new ApiQuarantinePoller(registry, 'http://127.0.0.1:9', 't', 1000, pino({ level: 'silent' }));
    await poller.poll();
    expect(registry.list().map((e) => e.tool)).toEqual(['read']);
  });

  it('tells the reachability notice of 5xx answers with their body, which says why once they go on', async () => {
    const api = await startLocalServer((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('database is locked\nat Store.read'));
    closers.push(api.close);
    const lines: string[] = [];
    const clock = { now: 0 };
    const notice = new DetectorReachabilityNotice(api.url, '/spool', () => false, (line) => lines.push(line), () => clock.now);
    const registry = new QuarantineRegistry('fs');
    registry.replaceAll([{ tool: 'read', reason: 'r', incidentId: null }]);
    const poller = new ApiQuarantinePoller(registry, api.url, 'col-token', 1000, pino({ level: 'silent' }), fetch, undefined, notice);
    await poller.poll();
    clock.now = 10_000;
    await poller.poll();
    expect(lines).toEqual([`the detector at ${api.url} answers HTTP 500 (GET /api/tools for 10 s: database is locked): no quarantine state reaches this collector until it answers (check the detector's log)`]);
    expect(registry.list().map((e) => e.tool)).toEqual(['read']);
  });
});
