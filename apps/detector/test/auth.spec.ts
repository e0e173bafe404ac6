import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../src/controllers/openapi.controller.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { TelemetryBuilder } from './support/telemetry.builder.js';

describe('API authentication and roles', () => {
  let detector: RunningDetector;
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-log-')), 'detector.log');

  beforeAll(async () => {
    // Every log line at the most verbose level (access log included) goes to a file the test reads.
    detector = await startDetector({}, { logFile });
  });

  afterAll(async () => {
    await detector?.close();
  });

  it('answers 401 without a token on every route of the OpenAPI document but health, and on unknown paths', async () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const checked: string[] = [];
    for (const [template, methods] of Object.entries(paths)) {
      const route = template.replace(/\{[^}]+\}/g, 'x');
      for (const method of Object.keys(methods)) {
        const { status } = await detector.api(method.toUpperCase(), route, { token: null, ...(method === 'get' || method === 'delete' ? {} : { body: {} }) });
        if (template === '/api/health') expect(status, `${method} ${route}`).toBe(200);
        else expect(status, `${method} ${route}`).toBe(401);
        checked.push(`${method} ${route}`);
      }
    }
    expect(checked.length).toBeGreaterThan(25);
    expect((await detector.api('GET', '/api/not-a-route', { token: null })).status).toBe(401);
    expect((await detector.api('GET', '/api/events', { token: 'pal_not-a-real-token' })).status).toBe(401);
  });

  it('lets an auditor read and export but not quarantine, triage or tune; a collector only ingests and reads quarantine state', async () => {
    const created = await detector.api<{ token: string; role: string }>('POST', '/api/tokens', { body: { name: 'audrey', role: 'auditor' } });
    expect(created.status).toBe(201);
    const auditor = created.body.token;
    const collector = (await detector.api<{ token: string }>('POST', '/api/tokens', { body: { name: 'collector-1', role: 'collector' } })).body.token;

    const b = new TelemetryBuilder('files');
    await detector.publish([b.toolsList([{ name: 'read_file', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }])]);
    await detector.waitFor(async () => (await detector.api('GET', '/api/tools/files/read_file')).status === 200, 'the tool in the inventory');

    expect((await detector.api('GET', '/api/incidents', { token: auditor })).status).toBe(200);
    expect((await detector.api('GET', '/api/tools/files/read_file', { token: auditor })).status).toBe(200);
    expect((await detector.api('POST', '/api/tools/files/read_file/quarantine', { token: auditor, body: {} })).status).toBe(403);
    expect((await detector.api('POST', '/api/tools/files/read_file/approve', { token: auditor, body: {} })).status).toBe(403);
    expect((await detector.api('PUT', '/api/tools/files/read_file/baseline', { token: auditor, body: { sensitivity: 2 } })).status).toBe(403);
    expect((await detector.api('PATCH', '/api/rules/palisade.repeated-blocked-calls', { token: auditor, body: { enabled: false } })).status).toBe(403);
    expect((await detector.api('POST', '/api/tokens', { token: auditor, body: { name: 'x', role: 'admin' } })).status).toBe(403);
    const now = new Date();
    const exported = await detector.api('POST', '/api/exports', { token: auditor, body: { from: new Date(now.getTime() - 3600_000).toISOString(), to: new Date(now.getTime() + 60_000).toISOString() } });
    expect(exported.status).toBe(201);

    expect((await detector.api('GET', '/api/events', { token: collector })).status).toBe(403);
    expect((await detector.api('GET', '/api/tools', { token: collector })).status).toBe(200);
    expect((await detector.api('POST', '/api/ingest', { token: collector, raw: JSON.stringify(b.call('read_file', { path: '/tmp/a' })) })).status).toBe(202);

    const me = await detector.api<{ role: string; permissions: string[] }>('GET', '/api/me', { token: auditor });
    expect(me.body).toMatchObject({ role: 'auditor' });
    expect(me.body.permissions).not.toContain('triage');
  });

  it('reads no body before the caller is authenticated: an anonymous body, malformed or oversized, is a 401', async () => {
    // A parser ahead of authentication would answer these 400 and 413, after buffering up to 50 MB per anonymous request.
    const malformed = await fetch(`${detector.url}/api/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":' });
    expect(malformed.status).toBe(401);
    const oversized = await fetch(`${detector.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name":"${'a'.repeat(6 * 1024 * 1024)}"}` });
    expect(oversized.status).toBe(401);
    const badToken = await fetch(`${detector.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer pal_wrong' }, body: 'x'.repeat(51 * 1024 * 1024) });
    expect(badToken.status).toBe(401);
    // An authenticated caller still gets the parser's answers.
    const authenticated = await fetch(`${detector.url}/api/exports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${detector.adminToken}` }, body: '{"from":' });
    expect(authenticated.status).toBe(400);
    expect(JSON.stringify(await authenticated.json())).toContain('not valid JSON');
  });

  it('tells an anonymous health check no internal error text; a caller with a token that may read gets it', async () => {
    // Health answers anyone; the pipeline's last error is a store's or an engine's own message.
    const anonymous = await detector.api<{ worker: Record<string, unknown> }>('GET', '/api/health', { token: null });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.worker).not.toHaveProperty('lastError');
    expect(anonymous.body.worker).toHaveProperty('failures');
    const wrong = await detector.api<{ worker: Record<string, unknown> }>('GET', '/api/health', { token: 'pal_not-a-real-token' });
    expect(wrong.status).toBe(200);
    expect(wrong.body.worker).not.toHaveProperty('lastError');
    const admin = await detector.api<{ worker: Record<string, unknown> }>('GET', '/api/health');
    expect(admin.body.worker).toHaveProperty('lastError');
  });

  it('marks every API answer not to be cached or sniffed, the one carrying a new token above all', async () => {
    const created = await fetch(`${detector.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${detector.adminToken}` }, body: JSON.stringify({ name: 'cache-check', role: 'auditor' }) });
    expect(created.status).toBe(201);
    const denied = await fetch(`${detector.url}/api/events`);
    const health = await fetch(`${detector.url}/api/health`);
    for (const [what, response] of [['token', created], ['401', denied], ['health', health]] as const) {
      expect(response.headers.get('cache-control'), what).toBe('no-store');
      expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
    }
  });

  it('returns a token once at creation: never in lists, never in the audit log, never in the logs', async () => {
    const created = await detector.api<{ token: string; id: string }>('POST', '/api/tokens', { body: { name: 'analyst-ann', role: 'analyst' } });
    const token = created.body.token;
    expect(token).toMatch(/^pal_/);
    expect((await detector.api('GET', '/api/events', { token })).status).toBe(200);
    const list = await detector.api<unknown>('GET', '/api/tokens');
    const audit = await detector.api<unknown>('GET', '/api/audit?limit=500');
    // pino writes asynchronously, in order: once the access line of the last call is in the file, so are the others.
    const logs = await vi.waitFor(
      () => {
        const text = readFileSync(logFile, 'utf8');
        expect(text).toMatch(/GET \/api\/audit 200 \S+ admin\(admin\)/);
        return text;
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(logs).toContain('GET /api/events 200');
    expect(logs).toContain('analyst-ann(analyst)');
    for (const text of [JSON.stringify(list.body), JSON.stringify(audit.body), logs]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(detector.adminToken);
      expect(text).not.toContain('tokenHash');
    }
    expect(JSON.stringify(list.body)).toContain('analyst-ann');
    expect((await detector.api('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(200);
    expect((await detector.api('GET', '/api/events', { token })).status).toBe(401);
    // Audited with what was revoked, as `token revoke` on the CLI records it; a second revoke is a 404.
    const revokes = await detector.api<{ items: { target: string; details: unknown }[] }>('GET', '/api/audit?action=token.revoke');
    expect(revokes.body.items.map(({ target, details }) => ({ target, details }))).toEqual([{ target: `token:${created.body.id}`, details: { name: 'analyst-ann', role: 'analyst' } }]);
    expect((await detector.api('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(404);
  });
});
