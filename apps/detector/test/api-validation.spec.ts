import type { SqliteBus } from '@palisade/bus';
import { BaselineTuning, type Page } from '@palisade/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { POISONED_ADD, SEND_EMAIL, TelemetryBuilder } from './support/telemetry.builder.js';

type ErrorBody = { error: { code: string; message: string } };
type AuditItem = { action: string; target: string; actor: { id: string; tokenId?: string }; source?: string; details: Record<string, unknown> };

/** What careless or hostile callers send, and the one-line answers they get (found by a black-box audit). */
describe('API input validation', () => {
  let detector: RunningDetector;
  let incidentId: string;

  beforeAll(async () => {
    detector = await startDetector();
    const math = new TelemetryBuilder('math');
    const mail = new TelemetryBuilder('mail');
    await detector.publish([math.initialize(), math.toolsList([POISONED_ADD]), math.call('add', { a: 1, b: 2, sidenote: 'x' }), mail.initialize(), mail.toolsList([SEND_EMAIL])]);
    incidentId = (await detector.waitFor(async () => (await detector.api<Page<{ id: string }>>('GET', '/api/incidents?server=math')).body.items[0], 'an incident')).id;
  });

  afterAll(async () => {
    await detector?.close();
  });

  it('answers a cursor it did not issue, or one issued for another list, with 400 naming the cursor (not 500)', async () => {
    for (const route of ['/api/events?cursor=garbage', '/api/alerts?cursor=Zm9v', '/api/incidents?cursor=garbage', '/api/audit?cursor=garbage']) {
      const response = await detector.api<ErrorBody>('GET', route);
      expect(response.status, route).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('cursor') });
    }
    // A real cursor, issued for another list.
    const page = await detector.api<Page<unknown>>('GET', '/api/events?limit=1');
    expect(page.body.nextCursor).toBeDefined();
    const other = await detector.api<ErrorBody>('GET', `/api/alerts?cursor=${encodeURIComponent(page.body.nextCursor!)}`);
    expect(other.status).toBe(400);
  });

  it('refuses from after to, accepts ISO-8601 to the minute, with +hhmm offsets or a date alone, and says so when a parameter is repeated', async () => {
    for (const list of ['events', 'alerts', 'incidents', 'audit']) {
      const reversed = await detector.api<ErrorBody>('GET', `/api/${list}?from=2026-11-22T00:00:00Z&to=2026-01-01T00:00:00Z`);
      expect(reversed.status, list).toBe(400);
      expect(reversed.body.error.message).toContain('`from` must not be after `to`');
    }
    const today = new Date().toISOString().slice(0, 10);
    for (const from of [`${today}T00:00Z`, `${today}T02:00:00+0200`, today]) {
      const response = await detector.api<Page<unknown>>('GET', `/api/events?from=${encodeURIComponent(from)}&server=math`);
      expect(response.status, from).toBe(200);
      expect(response.body.total, from).toBe(3);
    }
    for (const bad of ['2026-02-30T10:00:00Z', '2026-11-22T10:00:00', 'yesterday']) {
      const response = await detector.api<ErrorBody>('GET', `/api/events?from=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.error.message).toMatch(/^from: must be an ISO-8601 time with a time zone/);
    }
    const repeated = await detector.api<ErrorBody>('GET', '/api/events?limit=1&limit=2');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.message).toBe('`limit`: given more than once');
  });

  it('refuses a misspelt filter on every list with a 400 naming it, instead of answering with everything', async () => {
    for (const route of ['/api/events?tol=x', '/api/alerts?categroy=path_traversal', '/api/incidents?staus=open', '/api/audit?actor=admin', '/api/tools?quarantine=true']) {
      const response = await detector.api<ErrorBody>('GET', route);
      expect(response.status, route).toBe(400);
      expect(response.body.error.message, route).toContain(`"${route.split('?')[1]!.split('=')[0]}"`);
    }
    // What collectors polling over HTTP send is still taken.
    expect((await detector.api('GET', '/api/tools?server=fs&limit=500')).status).toBe(200);
    // A page size in decimal digits only, as on every other list (not 0x10 or 1e2).
    for (const limit of ['0x10', '1e2', '501', '']) expect((await detector.api('GET', `/api/tools?limit=${limit}`)).status, limit).toBe(400);
  });

  it('takes the valid lines of an ingest body and refuses, with a reason, only the event too large for the bus', async () => {
    const replay = new TelemetryBuilder('replayed');
    const small = [replay.initialize(), replay.call('fetch', { url: 'https://example.com' })];
    const huge = replay.call('fetch', { url: 'https://example.com/big' }, 'x'.repeat(detector.bus.maxMessageBytes + 10));
    const lettersBefore = await detector.bus.deadLetterCount('mcp.telemetry');
    const response = await detector.api<{ accepted: number; rejected: number; errors: { line: number; reason: string }[] }>('POST', '/api/ingest', { raw: [small[0], huge, small[1]].map((e) => JSON.stringify(e)).join('\n') });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 2, rejected: 1, errors: [{ line: 2, reason: expect.stringContaining('more than the bus takes') }] });
    expect(await detector.bus.deadLetterCount('mcp.telemetry')).toBe(lettersBefore + 1);
    const health = await detector.api<{ deadLetters: number }>('GET', '/api/health', { token: null });
    expect(health.body.deadLetters).toBe(lettersBefore + 1);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?server=replayed')).body.total === 2, 'the two valid events stored');
    // An empty body with an NDJSON content type is zero events, not a content-type complaint.
    expect((await detector.api('POST', '/api/ingest', { raw: '' })).body).toMatchObject({ accepted: 0, rejected: 0 });
  });

  it('refuses, with a reason, only an event nested too deep, by ingest or straight on the bus, and keeps going', async () => {
    // 100,000 levels overflow every recursive walk after the boundary: one such line failed the whole ingest body (500), and the batch it was in.
    const nested = new TelemetryBuilder('nested');
    const deepLine = (event: object) => JSON.stringify({ ...event, 'palisade.response.result': '__DEEP__' }).replace('"__DEEP__"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const [first, deep, last] = [nested.initialize(), nested.call('fetch', { url: 'https://example.com/a' }), nested.call('fetch', { url: 'https://example.com/b' })];
    const response = await detector.api<{ accepted: number; rejected: number; errors: { line: number; reason: string }[] }>('POST', '/api/ingest', { raw: [JSON.stringify(first), deepLine(deep!), JSON.stringify(last)].join('\n') });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 2, rejected: 1, errors: [{ line: 2, reason: expect.stringContaining('nested deeper than') }] });
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?server=nested')).body.total === 2, 'the two valid events stored');

    const direct = new TelemetryBuilder('nested-on-bus');
    const producer = detector.bus.producer();
    const [before, onBus, after] = [direct.initialize(), direct.call('fetch', { url: 'https://example.com/c' }), direct.call('fetch', { url: 'https://example.com/d' })];
    const published = await producer.publish('mcp.telemetry', [before!, onBus!, after!].map((event, i) => ({ key: 'nested-on-bus/s', value: i === 1 ? deepLine(event) : JSON.stringify(event) })));
    expect(published.kind).toBe('success');
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?server=nested-on-bus')).body.total === 2, 'the events around the deep one stored');
    const letters = await detector.waitFor(async () => {
      const kept = (detector.bus as SqliteBus).deadLetters('mcp.telemetry').filter((letter) => letter.value.includes(onBus!.id));
      return kept.length > 0 ? kept : undefined;
    }, 'the deep event kept aside');
    expect(letters).toHaveLength(1);
    await producer.close();
  });

  it('says what is wrong with a body that is not JSON: the body itself, and for ingest the content type NDJSON needs', async () => {
    const replay = new TelemetryBuilder('replayed-as-json');
    const ndjson = [replay.initialize(), replay.call('fetch', { url: 'https://example.com' })].map((e) => JSON.stringify(e)).join('\n');
    const ingest = await detector.api<ErrorBody>('POST', '/api/ingest', { raw: ndjson, contentType: 'application/json' });
    expect(ingest.status).toBe(400);
    expect(ingest.body.error.message).toBe('send NDJSON with content-type application/x-ndjson (got application/json)');
    const patch = await detector.api<ErrorBody>('PATCH', `/api/incidents/${incidentId}`, { raw: '{"status": "triaging",}', contentType: 'application/json' });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^body: not valid JSON \(.+\)$/) });
  });

  it('redacts the secrets of an ingested event that no collector captured, before the bus, and still alerts on them', async () => {
    const token = 'ghp_R8x2Lq9Zt4Wm7Vn3Kc6Hj1Pf5Ys0Bd8Ga2Ue';
    const thirdParty = new TelemetryBuilder('third-party');
    const events = [thirdParty.initialize(), thirdParty.toolsList([SEND_EMAIL]), thirdParty.call('send_email', { to: 'ops@example.com', body: `deploy key ${token}` }, 'sent')];
    expect(events[2]!['palisade.capture.request']).toBeUndefined();
    const response = await detector.api<{ accepted: number }>('POST', '/api/ingest', { raw: events.map((e) => JSON.stringify(e)).join('\n') });
    expect(response.body.accepted).toBe(3);
    type Stored = { 'palisade.request.params': { arguments: { body: string } }; 'palisade.findings': { type: string; fingerprint: string }[]; 'palisade.capture.request': { bytes: number } };
    const stored = await detector.waitFor(async () => (await detector.api<Page<Stored>>('GET', '/api/events?server=third-party&tool=send_email')).body.items[0], 'the call stored');
    expect(stored['palisade.request.params'].arguments.body).toMatch(/^deploy key \[REDACTED:github_token:[0-9a-f]+\]$/);
    expect(stored['palisade.findings']).toEqual([expect.objectContaining({ type: 'github_token', where: 'request', path: '/arguments/body' })]);
    expect(stored['palisade.capture.request'].bytes).toBe(JSON.stringify(events[2]!['palisade.request.params']).length);
    const alert = await detector.waitFor(async () => (await detector.api<Page<{ category: string }>>('GET', '/api/alerts?server=third-party&category=sensitive_data_exfiltration')).body.items[0], 'an exfiltration alert');
    expect(alert.category).toBe('sensitive_data_exfiltration');
    expect(JSON.stringify((await detector.api('GET', '/api/events?server=third-party')).body)).not.toContain(token);
    expect(JSON.stringify((await detector.api('GET', '/api/alerts?server=third-party')).body)).not.toContain(token);
  });

  it('redacts the secrets of an event a producer wrote straight to the bus, and of a line kept aside as a dead letter', async () => {
    const token = 'ghp_T5y8Mk2Qw9Rz4Xn7Lc1Vb6Hd3Jf0Ps8Ga5We';
    const direct = new TelemetryBuilder('direct-producer');
    await detector.publish([direct.initialize(), direct.call('send_email', { to: 'ops@example.com', body: `deploy key ${token}` }, 'sent')]);
    const producer = detector.bus.producer();
    const published = await producer.publish('mcp.telemetry', [{ key: 'direct-producer/x', value: JSON.stringify({ not: 'an event', leaked: token }) }]);
    expect(published.kind).toBe('success');

    type Stored = { 'palisade.request.params': { arguments: { body: string } }; 'palisade.findings': { type: string }[] };
    const stored = await detector.waitFor(async () => (await detector.api<Page<Stored>>('GET', '/api/events?server=direct-producer&tool=send_email')).body.items[0], 'the call stored');
    expect(stored['palisade.request.params'].arguments.body).toMatch(/^deploy key \[REDACTED:github_token:[0-9a-f]+\]$/);
    expect(stored['palisade.findings'].map((f) => f.type)).toEqual(['github_token']);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/alerts?server=direct-producer&category=sensitive_data_exfiltration')).body.total > 0, 'an exfiltration alert');
    expect(JSON.stringify((await detector.api('GET', '/api/events?server=direct-producer')).body)).not.toContain(token);
    const health = await detector.api<{ worker: { eventsRedacted: number }; storeRecords: Record<string, number> }>('GET', '/api/health', { token: null });
    expect(health.body.worker.eventsRedacted).toBeGreaterThanOrEqual(1);
    expect(health.body.storeRecords).toEqual({ malformedRowsSkipped: 0, documentsKeptAside: 0 });

    const letters = await detector.waitFor(async () => {
      const kept = (detector.bus as SqliteBus).deadLetters('mcp.telemetry').filter((letter) => letter.value.includes('an event'));
      return kept.length > 0 ? kept : undefined;
    }, 'the invalid line kept aside');
    expect(letters[0]!.value).toMatch(/\[REDACTED:github_token:[0-9a-f]+\]/);
    expect(letters[0]!.value).not.toContain(token);
  });

  it('refuses unknown fields and a tuning exception outside a false-positive closure; an update that changes nothing is not audited', async () => {
    const unknown = await detector.api<ErrorBody>('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'triaging', extra: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('extra');
    const stray = await detector.api<ErrorBody>('PATCH', `/api/incidents/${incidentId}`, { body: { tuningException: { expiresInDays: 7 } } });
    expect(stray.status).toBe(400);
    expect(stray.body.error.message).toContain('tuningException');

    expect((await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'triaging' } })).status).toBe(200);
    const audited = async () => (await detector.api<Page<AuditItem>>('GET', `/api/audit?action=incident.update&target=${encodeURIComponent(`incident:${incidentId}`)}`)).body.total;
    const before = await audited();
    expect((await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'triaging' } })).status).toBe(200);
    expect(await audited()).toBe(before);
  });

  it('refuses a misspelt or unknown field in every body instead of ignoring it (a PUT of the tuning would have saved the default in its place)', async () => {
    const saved = await detector.api<{ allowDomains: string[] }>('PUT', '/api/tools/mail/send_email/baseline', { body: { allowDomains: ['example.com'] } });
    expect(saved.status).toBe(200);
    const misspelt = await detector.api<ErrorBody>('PUT', '/api/tools/mail/send_email/baseline', { body: { allowDomain: ['other.com'] } });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.message).toContain('allowDomain');
    expect((await detector.api<{ allowDomains: string[] }>('GET', '/api/tools/mail/send_email/baseline')).body.allowDomains).toEqual(['example.com']);

    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/tools/mail/send_email/baseline/preview', { mutedDetector: ['recipient_change'] }, 'mutedDetector'],
      ['PUT', '/api/tools/mail/send_email/baseline', { exceptions: [{ category: 'recipient_change', expiresAt, expires: 'never' }] }, 'expires'],
      ['PATCH', '/api/rules/palisade.egress-fan-out', { enabled: false, reason: 'noisy' }, 'reason'],
      ['POST', '/api/tools/mail/send_email/quarantine', { reason: 'x', incident: 'inc_1' }, 'incident'],
      ['POST', '/api/exports', { from: '2026-01-01', to: '2026-01-02', fromat: 'csv' }, 'fromat'],
      ['POST', '/api/tokens', { name: 'bob', role: 'analyst', expires: '2027-01-01' }, 'expires'],
    ];
    for (const [method, route, body, field] of cases) {
      const response = await detector.api<ErrorBody>(method, route, { body });
      expect(response.status, `${method} ${route}`).toBe(400);
      expect(response.body.error.message, `${method} ${route}`).toContain(`"${field}"`);
    }
    const rule = (await detector.api<Page<{ id: string; enabled: boolean }>>('GET', '/api/rules')).body.items.find((r) => r.id === 'palisade.egress-fan-out');
    expect(rule?.enabled).toBe(true);
    expect((await detector.api<Page<unknown>>('GET', '/api/tools?quarantined=true&server=mail')).body.total).toBe(0);
  });

  it('records a new tuning exception as the caller’s, wants it to expire, and keeps saved exceptions a PUT leaves out', async () => {
    const closed = await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'false_positive', tuningException: { expiresInDays: 7 } } });
    expect(closed.status).toBe(200);
    type Tuning = { exceptions: { category: string; author: string; expiresAt: string | null; value?: string }[] };
    const saved = (await detector.api<Tuning>('GET', '/api/tools/math/add/baseline')).body.exceptions;
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.every((e) => e.author === 'admin' && e.expiresAt !== null)).toBe(true);

    const kept = await detector.api<Tuning>('PUT', '/api/tools/math/add/baseline', { body: { sensitivity: 2 } });
    expect(kept.status).toBe(200);
    expect(kept.body.exceptions).toEqual(saved);

    const forged = await detector.api<Tuning>('PUT', '/api/tools/math/add/baseline', {
      body: { exceptions: [...saved, { category: 'path_traversal', value: '/etc/shadow', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), author: 'ceo@corp' }] },
    });
    expect(forged.status).toBe(200);
    expect(forged.body.exceptions.slice(0, saved.length)).toEqual(saved);
    expect(forged.body.exceptions.at(-1)).toMatchObject({ value: '/etc/shadow', author: 'admin' });

    const forever = await detector.api<ErrorBody>('PUT', '/api/tools/math/add/baseline', { body: { exceptions: [{ category: 'path_traversal', value: '/etc/passwd', expiresAt: null, author: 'x' }] } });
    expect(forever.status).toBe(400);
    expect(forever.body.error.message).toMatch(/^exceptions\[0\]\.expiresAt: a new exception must expire/);
  });

  it('refuses a new exception already expired, prunes expired ones when it saves, and refuses a false-positive closure it cannot tune before closing', async () => {
    const past = await detector.api<ErrorBody>('PUT', '/api/tools/math/add/baseline', { body: { exceptions: [{ category: 'path_traversal', value: '/etc/hosts', expiresAt: '2020-01-01T00:00:00Z' }] } });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toBe('exceptions[0].expiresAt: 2020-01-01T00:00:00Z is already past (the exception would never apply)');

    // A tool whose false-positive closures piled up 1,000 exceptions, all expired since.
    const expired = Array.from({ length: 1000 }, (_, i) => ({ category: 'recipient_change' as const, value: `old${i}@corp.example`, expiresAt: '2020-01-01T00:00:00.000Z', author: 'ann' }));
    await detector.store.baselines.put(BaselineTuning.parse({ server: 'math', tool: 'add', exceptions: expired }));
    expect((await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'triaging' } })).status).toBe(200);
    const closed = await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'false_positive', tuningException: { expiresInDays: 7 } } });
    expect(closed.status).toBe(200);
    const kept = (await detector.api<{ exceptions: { expiresAt: string }[] }>('GET', '/api/tools/math/add/baseline')).body.exceptions;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((e) => Date.parse(e.expiresAt) > Date.now())).toBe(true);

    // 1,000 still running: the closure is refused with a 400, and the incident stays as it was.
    const running = expired.map((e) => ({ ...e, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }));
    await detector.store.baselines.put(BaselineTuning.parse({ server: 'math', tool: 'add', exceptions: running }));
    expect((await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'triaging' } })).status).toBe(200);
    const full = await detector.api<ErrorBody>('PATCH', `/api/incidents/${incidentId}`, { body: { status: 'false_positive', tuningException: { expiresInDays: 7 } } });
    expect(full.status).toBe(400);
    expect(full.body.error.message).toMatch(/^exceptions: /);
    expect((await detector.api<{ status: string }>('GET', `/api/incidents/${incidentId}`)).body.status).toBe('triaging');
    await detector.store.baselines.put(BaselineTuning.parse({ server: 'math', tool: 'add' }));
  });

  it('files a containment decision only under an incident that exists, and knows no baseline of an unknown tool', async () => {
    const unknown = await detector.api<ErrorBody>('POST', '/api/tools/math/add/quarantine', { body: { reason: 'test', incidentId: 'inc_does_not_exist' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('incidentId: no incident inc_does_not_exist');
    expect((await detector.api('POST', '/api/tools/math/add/quarantine', { body: { reason: 'test', incidentId } })).status).toBe(200);
    expect((await detector.api('POST', '/api/tools/math/add/release', { body: { reason: 'test', incidentId } })).status).toBe(200);
    expect((await detector.api('GET', '/api/tools/math/no-such-tool/baseline')).status).toBe(404);
  });

  it('lists a tool seen only in calls, contains it, files the decision on the incident’s timeline, and releases it under the same incident', async () => {
    const files = new TelemetryBuilder('files-only-calls');
    await detector.publish([files.initialize(), files.call('read_file', { path: '../../../home/alice/.ssh/id_rsa' })]);
    const incident = await detector.waitFor(async () => (await detector.api<Page<{ id: string; status: string }>>('GET', '/api/incidents?server=files-only-calls')).body.items[0], 'the path traversal incident');
    type Summary = { tool: string; pinnedHash: string | null; currentHash: string | null; versions: number; calls: number; drifted: boolean; openAlerts: number };
    const seen = await detector.api<{ tool: Summary; versions: unknown[] }>('GET', '/api/tools/files-only-calls/read_file');
    expect(seen.status).toBe(200); // never listed, but seen: the inventory knows it
    expect(seen.body.tool).toMatchObject({ pinnedHash: null, currentHash: null, versions: 0, calls: 1, drifted: false });
    expect(seen.body.tool.openAlerts).toBeGreaterThan(0);
    expect(seen.body.versions).toEqual([]);
    expect((await detector.api<{ items: Summary[] }>('GET', '/api/tools?server=files-only-calls')).body.items.map((t) => t.tool)).toEqual(['read_file']);
    const approve = await detector.api<ErrorBody>('POST', '/api/tools/files-only-calls/read_file/approve', { body: {} });
    expect(approve.status).toBe(409);
    expect(approve.body.error.message).toBe('tool files-only-calls/read_file was called but never listed: there is no definition to approve');
    const quarantined = await detector.api('POST', '/api/tools/files-only-calls/read_file/quarantine', { body: { reason: 'reads keys', incidentId: incident.id } });
    expect(quarantined.status).toBe(200);
    expect((await detector.api<{ items: { tool: string }[] }>('GET', '/api/tools?quarantined=true&server=files-only-calls')).body.items.map((t) => t.tool)).toEqual(['read_file']);
    type Detail = { status: string; actions: { action: string; details: Record<string, unknown> }[] };
    const detail = (await detector.api<Detail>('GET', `/api/incidents/${incident.id}`)).body;
    expect(detail.status).toBe('contained');
    expect(detail.actions.map((a) => a.action)).toEqual(expect.arrayContaining(['tool.quarantine', 'incident.update']));

    expect((await detector.api('POST', '/api/tools/files-only-calls/read_file/release', { body: {} })).status).toBe(200);
    const released = (await detector.api<Page<{ details: Record<string, unknown> }>>('GET', `/api/audit?action=tool.release&target=${encodeURIComponent('tool:files-only-calls/read_file')}`)).body.items[0]!;
    expect(released.details).toMatchObject({ incidentId: incident.id, wasQuarantined: true });
    expect((await detector.api('POST', '/api/tools/files-only-calls/never_seen/quarantine', { body: {} })).status).toBe(404);
  });

  it('scopes a false-positive exception to the paths its alerts named, so another path on the same tool still alerts', async () => {
    const files = new TelemetryBuilder('fp-files');
    await detector.publish([files.initialize(), files.call('read_file', { path: '../shared/notes.txt' })]);
    const incident = await detector.waitFor(async () => (await detector.api<Page<{ id: string }>>('GET', '/api/incidents?server=fp-files')).body.items[0], 'the path traversal incident');
    expect((await detector.api('PATCH', `/api/incidents/${incident.id}`, { body: { status: 'false_positive', tuningException: { expiresInDays: 7 } } })).status).toBe(200);
    const exceptions = (await detector.api<{ exceptions: { category: string; value?: string }[] }>('GET', '/api/tools/fp-files/read_file/baseline')).body.exceptions;
    expect(exceptions).toEqual([expect.objectContaining({ category: 'path_traversal', value: '../shared/notes.txt' })]);

    // No wait: the worker reads the tunings before the first chunk of every batch (collectApprovals).
    const again = files.call('read_file', { path: '../shared/notes.txt' });
    const other = files.call('read_file', { path: '../../../home/alice/.ssh/id_rsa' });
    await detector.publish([again, other]);
    const alerts = await detector.waitFor(async () => {
      const items = (await detector.api<Page<{ eventIds: string[]; severity: string }>>('GET', '/api/alerts?server=fp-files&category=path_traversal')).body.items;
      return items.some((a) => a.eventIds.includes(other.id)) ? items : undefined;
    }, 'the alert on another path');
    expect(alerts.find((a) => a.eventIds.includes(other.id))?.severity).toBe('high');
    expect(alerts.some((a) => a.eventIds.includes(again.id))).toBe(false);
  });

  it('keeps token names unique among live tokens and names the token id in audit entries', async () => {
    const first = await detector.api<{ id: string; token: string }>('POST', '/api/tokens', { body: { name: 'shift-lead', role: 'analyst' } });
    expect(first.status).toBe(201);
    const again = await detector.api<ErrorBody>('POST', '/api/tokens', { body: { name: 'shift-lead', role: 'analyst' } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('shift-lead');

    await detector.api('PATCH', `/api/incidents/${incidentId}`, { body: { note: 'looked at by the shift lead' }, token: first.body.token });
    const entry = (await detector.api<Page<AuditItem>>('GET', '/api/audit?action=incident.update')).body.items[0]!;
    expect(entry.actor).toMatchObject({ id: 'shift-lead', tokenId: first.body.id });

    expect((await detector.api('DELETE', `/api/tokens/${first.body.id}`)).status).toBe(200);
    expect((await detector.api('POST', '/api/tokens', { body: { name: 'shift-lead', role: 'analyst' } })).status).toBe(201);
    const tokens = (await detector.api<{ items: { createdAt: string }[] }>('GET', '/api/tokens')).body.items;
    expect(tokens.map((t) => t.createdAt)).toEqual(tokens.map((t) => t.createdAt).sort().reverse());
  });

  it('does not let a caller write another address into the audit log with X-Forwarded-For (no proxy trusted by default)', async () => {
    const response = await fetch(`${detector.url}/api/incidents/${incidentId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${detector.adminToken}`, 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6' },
      body: JSON.stringify({ note: 'from somewhere else?' }),
    });
    expect(response.status).toBe(200);
    const entry = (await detector.api<Page<AuditItem>>('GET', '/api/audit?action=incident.update')).body.items[0]!;
    expect(entry.details).toMatchObject({ note: 'from somewhere else?' });
    expect(entry.source).not.toBe('6.6.6.6');
    expect(entry.source).toMatch(/127\.0\.0\.1/);
  });
});
