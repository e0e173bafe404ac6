import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Alert, Page } from '@palisade/schema';
import { severityAtLeast } from '@palisade/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The scenarios are plain ES modules shared with `npm run demo`.
import { SCENARIOS, call, connectThroughCollector, runScenarios } from '../scenarios/scenarios.mjs';
import { type DetectorProcess, REPO, startDetectorProcess } from '@palisade/test-support';

const built = existsSync(path.join(REPO, 'apps/detector/dist/main.js')) && existsSync(path.join(REPO, 'apps/collector/dist/main.js'));

async function allAlerts(detector: DetectorProcess): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let cursor: string | undefined;
  do {
    const { body } = await detector.api<Page<Alert>>('GET', `/api/alerts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    alerts.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return alerts;
}

// These tests run built code: without it they would pass by skipping, so a missing build fails them, by name.
if (!built) throw new Error("this suite runs the built apps: run `npm run build` (npm ci does it) first");

describe('the whole pipeline: real MCP servers → real collectors → sqlite bus → detector → store → API', () => {
  let detector: DetectorProcess;
  let alerts: Alert[] = [];
  const timings: { name: string; ms: number }[] = [];

  beforeAll(async () => {
    detector = await startDetectorProcess();
    timings.push(...(await runScenarios({ env: { PALISADE_HOME: detector.home } })));
    // Everything the collectors shipped has been analysed once the pipeline has no lag.
    await detector.waitFor(async () => {
      const health = (await detector.api<{ lagEvents: number }>('GET', '/api/health')).body;
      return health.lagEvents === 0;
    }, 'the pipeline to catch up', 60_000);
    alerts = await allAlerts(detector);
  }, 300_000);

  afterAll(async () => {
    await detector?.stop();
  });

  for (const scenario of SCENARIOS) {
    if (scenario.expect) {
      it(`${scenario.name}: raises ${scenario.expect!.map((e) => e.category).join(', ')}`, () => {
        for (const expected of scenario.expect!) {
          const matching = alerts.filter((a) => a.category === expected.category && a.server === expected.server && a.tool === expected.tool);
          expect(matching.length, `${expected.category} on ${expected.server}/${expected.tool} (got: ${alerts.filter((a) => a.server === expected.server).map((a) => `${a.category}/${a.tool}/${a.severity}`).join(', ') || 'nothing'})`).toBeGreaterThan(0);
          expect(matching.some((a) => severityAtLeast(a.severity, expected.minSeverity)), `${expected.category} at ${expected.minSeverity} or above`).toBe(true);
        }
      });
    }
    if (scenario.benign) {
      it(`${scenario.name}: raises nothing of medium or above`, () => {
        const loud = alerts.filter((a) => scenario.benign!.includes(a.server) && a.severity !== 'low');
        expect(loud.map((a) => `${a.category} ${a.server}/${a.tool} ${a.severity}: ${a.title}`)).toEqual([]);
      });
    }
  }

  it('every alert names the collector’s server NAME and carries readable evidence and its events', () => {
    const names = new Set(SCENARIOS.flatMap((s) => [...(s.expect ?? []).map((e) => e.server), ...(s.benign ?? [])]));
    for (const alert of alerts) {
      expect(names.has(alert.server), `${alert.server} is a collector NAME`).toBe(true);
      expect(alert.evidence.summary.length).toBeGreaterThan(10);
      expect(alert.eventIds.length).toBeGreaterThan(0);
      expect(alert.incidentId).toBeTruthy();
    }
  });

  it('quarantine reaches a collector: the poisoned tool is hidden from tools/list and a call to it is refused', async () => {
    // poisoned-add raised a critical tool_poisoning: the default policy quarantined math/add.
    const tools = await detector.waitFor(async () => {
      const { body } = await detector.api<Page<{ server: string; tool: string }>>('GET', '/api/tools?quarantined=true');
      return body.items.some((t) => t.server === 'math' && t.tool === 'add') ? body.items : undefined;
    }, 'math/add quarantined');
    expect(tools.length).toBeGreaterThan(0);
    const session = await connectThroughCollector({ server: 'math', command: [process.execPath, path.join(REPO, 'test/fixtures/servers/poisoned-math.mjs')], env: { PALISADE_HOME: detector.home } });
    try {
      const listed = await detector.waitFor(async () => {
        const names = (await session.client.listTools()).tools.map((t: { name: string }) => t.name);
        return names.includes('add') ? undefined : names;
      }, 'add hidden from tools/list', 5000);
      expect(listed).toContain('multiply');
      const refused = await call(session.client, 'add', { a: 1, b: 2 });
      expect(refused.ok).toBe(false);
      expect(refused.text).toMatch(/quarantined/);
      expect((await call(session.client, 'multiply', { a: 2, b: 3 })).text).toBe('6');
    } finally {
      await session.close();
    }
    // The refused call is recorded and analysed like any other.
    await detector.waitFor(async () => {
      const { body } = await detector.api<Page<{ 'palisade.outcome': string }>>('GET', '/api/events?server=math&tool=add&limit=50');
      return body.items.some((e) => e['palisade.outcome'] === 'blocked');
    }, 'the blocked call recorded');
  });

  it('the README’s API examples name servers and tools that the bundled scenarios create, so they answer after `npm run demo`', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const shell = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    const tools = [...shell.matchAll(/\$API\/tools\/([^/\s"]+)\/([^/\s"]+)\//g)].map((m) => `${m[1]}/${m[2]}`);
    const servers = [...shell.matchAll(/\$API\/events\?(?:[^"\s]*&)?server=([^&"\s]+)/g)].map((m) => m[1]!);
    expect(tools.length).toBeGreaterThan(0);
    expect(servers.length).toBeGreaterThan(0);
    const seen = (await detector.api<Page<{ server: string; tool: string }>>('GET', '/api/tools')).body.items.map((t) => `${t.server}/${t.tool}`);
    for (const tool of tools) expect(seen, `README example on ${tool}`).toContain(tool);
    for (const server of servers) {
      const { body } = await detector.api<Page<unknown>>('GET', `/api/events?server=${encodeURIComponent(server)}&limit=1`);
      expect(body.total, `README example on the events of ${server}`).toBeGreaterThan(0);
    }
  });

  it('reports event → alert latency (event time at the collector to the alert committed in the store)', async () => {
    const health = (await detector.api<{ worker: { eventsProcessed: number; alertsRaised: number; alertLatencyP50Ms: number | null; alertLatencyP99Ms: number | null } }>('GET', '/api/health')).body;
    console.log(
      `e2e: ${health.worker.eventsProcessed} events, ${health.worker.alertsRaised} alerts; event → alert p50 ${health.worker.alertLatencyP50Ms} ms, p99 ${health.worker.alertLatencyP99Ms} ms; ` +
        `scenarios ${timings.map((t) => `${t.name} ${t.ms} ms`).join(', ')}`,
    );
    expect(health.worker.alertsRaised).toBe(alerts.length);
    expect(health.worker.alertLatencyP99Ms).not.toBeNull();
  });
});

if (!built) console.log('end-to-end suite skipped: the collector and detector are not built (run `node tools/build.mjs`)');
