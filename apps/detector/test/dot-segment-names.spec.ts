import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Page } from '@palisade/schema';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { POISONED_ADD, SEND_EMAIL, TelemetryBuilder } from './support/telemetry.builder.js';

type ErrorBody = { error: { code: string; message: string } };
type Detail = { tool: { server: string; tool: string; pinnedHash: string | null; currentHash: string | null; drifted: boolean; quarantine: unknown } };

/**
 * Names that are URL dot segments. A monitored server picks its tool names (and an operator its server
 * names): `/api/tools/dots/..` is `/api/tools/` to fetch, browsers and every WHATWG URL, and `%2e%2e` is
 * read as `..` too, so such a tool cannot be named in a path at all. The query form names it.
 */
const DOT_NAMED = [
  { server: 'dots', tool: '..' },
  { server: 'dots', tool: '.' },
  { server: '..', tool: 'send_email' },
  { server: '.', tool: '..' },
] as const;

/** The query form of a tool route: `/api/tool[/action]?server=&tool=`. */
function byQuery(server: string, tool: string, action = ''): string {
  return `/api/tool${action ? `/${action}` : ''}?${new URLSearchParams({ server, tool })}`;
}

describe('tools whose names are URL dot segments', () => {
  let detector: RunningDetector;

  beforeAll(async () => {
    detector = await startDetector({ PALISADE_AUTO_QUARANTINE: 'off' });
    const events = [];
    for (const server of new Set(DOT_NAMED.map((t) => t.server))) {
      const session = new TelemetryBuilder(server);
      const tools = DOT_NAMED.filter((t) => t.server === server).map((t) => (t.tool === 'send_email' ? SEND_EMAIL : { ...POISONED_ADD, name: t.tool }));
      events.push(session.initialize(), session.toolsList(tools));
    }
    // Ordinary names that look like dots or like the query form's words: the path form still names them.
    const lookalikes = new TelemetryBuilder('tool');
    events.push(lookalikes.initialize(), lookalikes.toolsList(['baseline', '...', '.hidden', '%2e%2e', 'a..b'].map((name) => ({ ...SEND_EMAIL, name }))));
    await detector.publish(events);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/tools')).body.total === DOT_NAMED.length + 5, 'every tool in the inventory');
  });

  afterAll(async () => {
    await detector?.close();
  });

  it('opens each one by the query form, as the path form opens an ordinary name', async () => {
    for (const { server, tool } of DOT_NAMED) {
      const detail = await detector.api<Detail>('GET', byQuery(server, tool));
      expect({ server, tool, status: detail.status }).toEqual({ server, tool, status: 200 });
      expect(detail.body.tool).toMatchObject({ server, tool });
    }
    // The query form reaches ordinary names too, with the same answer as the path form.
    const path = await detector.api<Detail>('GET', '/api/tools/tool/baseline');
    expect(path.body.tool).toMatchObject({ server: 'tool', tool: 'baseline' });
    expect((await detector.api<Detail>('GET', byQuery('tool', 'baseline'))).body).toEqual(path.body);
    for (const tool of ['...', '.hidden', '%2e%2e', 'a..b']) {
      const detail = await detector.api<Detail>('GET', `/api/tools/tool/${encodeURIComponent(tool)}`);
      expect({ tool, status: detail.status, name: detail.body.tool?.tool }).toEqual({ tool, status: 200, name: tool });
    }
    expect((await detector.api<ErrorBody>('GET', byQuery('dots', 'missing'))).status).toBe(404);
  });

  it('quarantines, releases, approves and tunes each one, audited under its own name', async () => {
    for (const { server, tool } of DOT_NAMED) {
      const quarantined = await detector.api('POST', byQuery(server, tool, 'quarantine'), { body: { reason: 'named to hide' } });
      expect({ server, tool, status: quarantined.status }).toEqual({ server, tool, status: 200 });
      const state = (await detector.api<Page<{ server: string; tool: string }>>('GET', '/api/tools?quarantined=true')).body.items;
      expect(state).toContainEqual(expect.objectContaining({ server, tool }));
      expect((await detector.api<Detail>('GET', byQuery(server, tool))).body.tool.quarantine).toMatchObject({ reason: 'named to hide' });

      const released = await detector.api<{ released: boolean }>('POST', byQuery(server, tool, 'release'), { body: {} });
      expect({ server, tool, released: released.body.released }).toEqual({ server, tool, released: true });

      const { currentHash } = (await detector.api<Detail>('GET', byQuery(server, tool))).body.tool;
      const approved = await detector.api<{ hash: string }>('POST', byQuery(server, tool, 'approve'), { body: { hash: currentHash } });
      expect({ server, tool, status: approved.status, hash: approved.body.hash }).toEqual({ server, tool, status: 200, hash: currentHash });

      const preview = await detector.api<{ events: number }>('POST', byQuery(server, tool, 'baseline/preview'), { body: { sensitivity: 2, days: 1 } });
      expect({ server, tool, status: preview.status }).toEqual({ server, tool, status: 200 });
      const tuned = await detector.api('PUT', byQuery(server, tool, 'baseline'), { body: { sensitivity: 2, warmup: 30, allowDomains: ['corp.example'] } });
      expect({ server, tool, status: tuned.status }).toEqual({ server, tool, status: 200 });
      const baseline = await detector.api<{ server: string; tool: string; sensitivity: number; warmup: number }>('GET', byQuery(server, tool, 'baseline'));
      expect(baseline.body).toMatchObject({ server, tool, sensitivity: 2, warmup: 30 });

      const audit = (await detector.api<Page<{ action: string }>>('GET', `/api/audit?${new URLSearchParams({ target: `tool:${server}/${tool}`, limit: '50' })}`)).body.items.map((a) => a.action);
      expect(audit).toEqual(expect.arrayContaining(['tool.quarantine', 'tool.release', 'tool.approve', 'baseline.update']));
    }
    // Each was acted on under its own name, never another tool's: the poisoned `..` still has its alert.
    const alerts = (await detector.api<Page<Alert>>('GET', `/api/alerts?${new URLSearchParams({ server: 'dots', tool: '..', category: 'tool_poisoning' })}`)).body;
    expect(alerts.total).toBeGreaterThan(0);
    expect((await detector.api<Detail>('GET', '/api/tools/tool/baseline')).body.tool.quarantine).toBeNull();
  });

  it('refuses a query form that does not name exactly one tool with a 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/api/tool?server=dots', /^tool: /],
      ['/api/tool?tool=..', /^server: /],
      ['/api/tool?server=dots&tool=', /^tool: /],
      ['/api/tool?server=dots&tool=..&tool=.', /^`tool`: given more than once$/],
      ['/api/tool/baseline?server=dots&tool=..&version=1', /"version"/],
    ];
    for (const [route, message] of cases) {
      const response = await detector.api<ErrorBody>('GET', route);
      expect({ route, status: response.status }).toEqual({ route, status: 400 });
      expect(response.body.error.message, route).toMatch(message);
    }
    // Permissions are the path form's: an auditor reads but does not contain.
    const auditor = (await detector.api<{ token: string }>('POST', '/api/tokens', { body: { name: 'dot-auditor', role: 'auditor' } })).body.token;
    expect((await detector.api('GET', byQuery('dots', '..'), { token: auditor })).status).toBe(200);
    expect((await detector.api('POST', byQuery('dots', '..', 'quarantine'), { token: auditor, body: {} })).status).toBe(403);
  });
});
