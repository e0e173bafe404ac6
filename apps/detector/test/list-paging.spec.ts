import type { ExportRecord, Page } from '@palisade/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDetector, startDetector } from './support/detector.harness.js';

type ErrorBody = { error: { code: string; message: string } };
type TokenView = { id: string; name: string; role: string; createdAt: string };

/**
 * The exports and tokens lists page as the contract says every list does: newest first, `limit` 50 by
 * default and at most 500, `cursor`, `from`/`to`, `total` of everything matching, no `nextCursor` on the
 * last page. A daily export (or a token per collector) must not make one answer grow forever.
 */
describe('the exports and tokens lists', () => {
  let detector: RunningDetector;
  const exports: ExportRecord[] = [];
  const tokens = { analyst: '', auditor: '', collector: '' };
  const created: TokenView[] = [];

  beforeAll(async () => {
    detector = await startDetector({}, { worker: false });
    for (const role of ['analyst', 'auditor', 'collector'] as const) {
      const token = await detector.api<TokenView & { token: string }>('POST', '/api/tokens', { body: { name: `paging-${role}`, role } });
      tokens[role] = token.body.token;
      created.push(token.body);
    }
    const now = Date.now();
    for (let i = 0; i < 3; i += 1) {
      const started = await detector.api<ExportRecord>('POST', '/api/exports', { body: { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() } });
      expect(started.status).toBe(201);
      exports.push(started.body);
    }
  });

  afterAll(async () => {
    await detector?.close();
  });

  it('pages exports newest first by when they started, with the total and no cursor on the last page', async () => {
    const newest = [...exports].reverse().map((x) => x.id);
    const first = await detector.api<Page<ExportRecord>>('GET', '/api/exports?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((x) => x.id)).toEqual(newest.slice(0, 2));
    expect(first.body.total).toBe(3);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.body.items[0]).not.toHaveProperty('path');
    expect(first.body.items[0]).toMatchObject({ state: 'done', auditHead: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const second = await detector.api<Page<ExportRecord>>('GET', `/api/exports?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.items.map((x) => x.id)).toEqual(newest.slice(2));
    expect(second.body.total).toBe(3);
    expect(second.body).not.toHaveProperty('nextCursor');

    const all = await detector.api<Page<ExportRecord>>('GET', '/api/exports');
    expect(all.body.items.map((x) => x.id)).toEqual(newest);
    expect(all.body).not.toHaveProperty('nextCursor');
  });

  it('selects exports by state and by [from, to) on when they started', async () => {
    const [oldest, middle, latest] = exports as [ExportRecord, ExportRecord, ExportRecord];
    // Each was written before the next began.
    expect(oldest.startedAt < middle.startedAt && middle.startedAt < latest.startedAt).toBe(true);
    const since = await detector.api<Page<ExportRecord>>('GET', `/api/exports?from=${encodeURIComponent(middle.startedAt)}`);
    expect(since.body.items.map((x) => x.id)).toEqual([latest.id, middle.id]);
    expect(since.body.total).toBe(2);
    const before = await detector.api<Page<ExportRecord>>('GET', `/api/exports?to=${encodeURIComponent(middle.startedAt)}`);
    expect(before.body.items.map((x) => x.id)).toEqual([oldest.id]);
    expect((await detector.api<Page<ExportRecord>>('GET', '/api/exports?state=done')).body.total).toBe(3);
    expect((await detector.api<Page<ExportRecord>>('GET', '/api/exports?state=running')).body).toEqual({ items: [], total: 0 });
  });

  it('pages tokens newest first, with the total and no cursor on the last page', async () => {
    const more = await detector.api<TokenView>('POST', '/api/tokens', { body: { name: 'paging-latest', role: 'auditor' } });
    const newest = [...created, more.body].reverse().map((t) => t.id);
    const first = await detector.api<Page<TokenView & { tokenHash?: string }>>('GET', '/api/tokens?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.items.map((t) => t.id)).toEqual(newest.slice(0, 3));
    expect(first.body.total).toBe(4);
    expect(first.body.items.some((t) => 'tokenHash' in t)).toBe(false);
    const second = await detector.api<Page<TokenView>>('GET', `/api/tokens?limit=3&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.items.map((t) => t.id)).toEqual(newest.slice(3));
    expect(second.body).not.toHaveProperty('nextCursor');
    const since = await detector.api<Page<TokenView>>('GET', `/api/tokens?from=${encodeURIComponent(more.body.createdAt)}`);
    expect(since.body.items.map((t) => t.id)).toEqual([more.body.id]);
  });

  it('answers a bad limit, cursor, bound or filter with a one-line 400 naming it', async () => {
    const token = await detector.api<Page<TokenView>>('GET', '/api/tokens?limit=1');
    const exported = await detector.api<Page<ExportRecord>>('GET', '/api/exports?limit=1');
    for (const list of ['exports', 'tokens']) {
      const cases: [string, RegExp][] = [
        ['limit=501', /^limit: /],
        ['limit=0', /^limit: /],
        ['limit=many', /^limit: /],
        ['limit=1e2', /^limit: /],
        ['limit=0x10', /^limit: /],
        ['limit=', /^limit: /],
        ['cursor=garbage', /cursor/],
        [`cursor=${encodeURIComponent((list === 'exports' ? token : exported).body.nextCursor!)}`, /cursor is not valid for the (exports|tokens) list/],
        ['from=2026-11-22T00:00:00Z&to=2026-01-01T00:00:00Z', /`from` must not be after `to`/],
        ['from=yesterday', /^from: must be an ISO-8601 time/],
        ['limit=1&limit=2', /^`limit`: given more than once$/],
        ['sort=oldest', /"sort"/],
      ];
      for (const [query, message] of cases) {
        const response = await detector.api<ErrorBody>('GET', `/api/${list}?${query}`);
        expect({ list, query, status: response.status }).toEqual({ list, query, status: 400 });
        expect(response.body.error.code).toBe('bad_request');
        expect(response.body.error.message).toMatch(message);
        expect(response.body.error.message).not.toContain('\n');
      }
      expect((await detector.api('GET', `/api/${list}?limit=500`)).status).toBe(200);
    }
    expect((await detector.api<ErrorBody>('GET', '/api/exports?state=lost')).status).toBe(400);
  });

  it('keeps the role rules: exports for whoever may export, tokens for admins only', async () => {
    for (const role of ['analyst', 'auditor'] as const) {
      const page = await detector.api<Page<ExportRecord>>('GET', '/api/exports?limit=1', { token: tokens[role] });
      expect({ role, status: page.status, total: page.body.total }).toEqual({ role, status: 200, total: 3 });
      expect({ role, status: (await detector.api('GET', '/api/tokens?limit=1', { token: tokens[role] })).status }).toEqual({ role, status: 403 });
    }
    expect((await detector.api('GET', '/api/exports?limit=1', { token: tokens.collector })).status).toBe(403);
    expect((await detector.api('GET', '/api/tokens?limit=1', { token: tokens.collector })).status).toBe(403);
    expect((await detector.api('GET', '/api/exports', { token: null })).status).toBe(401);
    expect((await detector.api('GET', '/api/tokens', { token: null })).status).toBe(401);
  });
});
