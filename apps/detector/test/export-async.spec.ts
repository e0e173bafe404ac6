import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ExportRecord, processStartTicks } from '@palisade/schema';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { type DetectorProcess, REPO, startDetectorProcess } from '@palisade/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyExport } from '../src/cli/verify-export.command.js';
import { verifyBundle } from '../src/exports/bundle.verifier.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { mixedStream } from './support/mixed-stream.js';
import { quietly } from './support/quietly.js';

const built = existsSync(path.join(REPO, 'apps/detector/dist/main.js'));

/** Enough events that writing them takes a second or more here, so an export is seen running. */
const EVENTS = 40_000;
const HOUR = 3_600_000;

async function seed(home: string): Promise<{ from: string; to: string }> {
  const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
  const start = Date.now() - HOUR;
  const events = mixedStream(EVENTS, start);
  for (let i = 0; i < events.length; i += 5_000) await store.events.insertMany(events.slice(i, i + 5_000));
  await store.close();
  return { from: new Date(start - 1000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
}

describe('asynchronous compliance exports', () => {
  let detector: RunningDetector;
  let range: { from: string; to: string };

  beforeAll(async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-export-async-'));
    range = await seed(home);
    detector = await startDetector({}, { home, worker: false });
  }, 120_000);

  afterAll(async () => {
    await detector?.close();
    if (detector) rmSync(detector.home, { recursive: true, force: true });
  });

  const follow = (id: string) => detector.waitFor(async () => {
    const { body } = await detector.api<ExportRecord>('GET', `/api/exports/${id}`);
    return body.state !== 'running' && body;
  }, `export ${id} to end`, 60_000);

  it('answers 202 at once with the export running, shows its progress, then the signed bundle, which verifies', { timeout: 90_000 }, async () => {
    const started = await detector.api<ExportRecord>('POST', '/api/exports', { body: { ...range, format: 'ndjson', async: true } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', from: range.from, to: range.to, format: 'ndjson', createdBy: expect.any(String), startedAt: expect.any(String), files: [] });
    expect(started.body.id).toMatch(/^exp_/);
    expect(started.body.auditHead).toBeUndefined();
    expect(started.body).not.toHaveProperty('path');
    expect(started.body).not.toHaveProperty('runner');

    const running = await detector.api<ExportRecord>('GET', `/api/exports/${started.body.id}`);
    expect(running.body.state).toBe('running');
    expect(running.body.progress.files.find((f) => f.path === 'events.ndjson')).toMatchObject({ estimatedRecords: EVENTS });
    const listed = await detector.api<{ items: ExportRecord[] }>('GET', '/api/exports');
    expect(listed.body.items.find((x) => x.id === started.body.id)?.state).toBe('running');
    // A bundle being written has nothing to download yet.
    expect((await detector.api('GET', `/api/exports/${started.body.id}/archive`)).status).toBe(409);

    const seen: number[] = [];
    const done = await detector.waitFor(async () => {
      const { body } = await detector.api<ExportRecord>('GET', `/api/exports/${started.body.id}`);
      seen.push(body.progress.records);
      return body.state !== 'running' && body;
    }, 'the export to finish', 60_000);
    expect(done).toMatchObject({ state: 'done', id: started.body.id, auditHead: expect.stringMatching(/^[0-9a-f]{64}$/), finishedAt: expect.any(String) });
    expect(done.files.map((f) => f.path)).toEqual(['events.ndjson', 'alerts.ndjson', 'alerts.ocsf.json', 'incidents.ndjson', 'audit.ndjson']);
    expect(done.files[0]!.records).toBe(EVENTS);
    expect(done.progress.records).toBe(done.files.reduce((n, f) => n + f.records, 0));
    expect(seen.some((records) => records > 0 && records < EVENTS)).toBe(true); // progress moved while it ran

    const dir = path.join(detector.home, 'exports', done.id);
    expect(verifyBundle(dir).ok).toBe(true);
    expect(await quietly(() => runVerifyExport(dir))).toBe(0);
    const audit = await detector.api<{ items: { action: string; target: string }[] }>('GET', `/api/audit?target=export:${done.id}`);
    expect(audit.body.items.map((e) => e.action)).toEqual(['export.create']);
  });

  it('takes `Prefer: respond-async` too, lets an auditor export, and refuses a third export while two run (429)', { timeout: 90_000 }, async () => {
    const auditor = (await detector.api<{ token: string }>('POST', '/api/tokens', { body: { name: 'audrey', role: 'auditor' } })).body.token;
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${detector.url}/api/exports`, { method: 'POST', headers: { authorization: `Bearer ${auditor}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const first = await post({ prefer: 'wait=5, respond-async' }, { ...range, format: 'csv' });
    expect(first.status).toBe(202);
    expect(first.headers.get('preference-applied')).toBe('respond-async');
    const firstRecord = (await first.json()) as ExportRecord;
    expect(first.headers.get('location')).toBe(`/api/exports/${firstRecord.id}`);
    const second = (await (await post({}, { ...range, async: true })).json()) as ExportRecord;
    expect(second.state).toBe('running');

    const third = await post({}, { ...range, async: true });
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { message: string } }).error.message).toMatch(/2 exports are being written already/);
    // The synchronous form counts too.
    expect((await post({}, range)).status).toBe(429);

    for (const id of [firstRecord.id, second.id]) {
      const done = await follow(id);
      expect(done.state).toBe('done');
      expect(done.createdBy).toBe('audrey');
      expect(verifyBundle(path.join(detector.home, 'exports', id)).ok).toBe(true);
    }
    expect((await post({}, { from: '2020-01-01', to: '2020-01-02', async: true })).status).toBe(202);
  });

  it('keeps the synchronous form: 201 with the finished bundle record', { timeout: 90_000 }, async () => {
    const created = await detector.api<ExportRecord>('POST', '/api/exports', { body: range });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'done', format: 'ndjson', auditHead: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(created.body.files).toHaveLength(5);
    expect(created.body.files[0]!.records).toBe(EVENTS);
    expect(verifyBundle(path.join(detector.home, 'exports', created.body.id)).ok).toBe(true);
  });

  it('refuses a body with an unknown field or an `async` that is not a boolean', async () => {
    for (const body of [{ ...range, async: 'yes' }, { ...range, asynchronous: true }, { ...range, async: true, format: 'xml' }]) {
      const response = await detector.api<{ error: { code: string } }>('POST', '/api/exports', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});

// These tests run built code: without it they would pass by skipping, so a missing build fails them, by name.
if (!built) throw new Error("this suite runs the detector's build (apps/detector/dist): run `npm run build` (npm ci does it) first");

describe('an export whose detector was killed (kill -9)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-export-kill-'));
  let killed: DetectorProcess | undefined;

  afterAll(async () => {
    await killed?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('is marked failed with a reason when the detector starts again, instead of staying running', { timeout: 180_000 }, async () => {
    const range = await seed(home);
    killed = await startDetectorProcess({ home });
    const started = await killed.api<ExportRecord>('POST', '/api/exports', { ...range, async: true });
    expect(started.status).toBe(202);
    // Killed once the export has saved some progress: it is mid-way, its record says `running`.
    const midway = await killed.waitFor(async () => {
      const { body } = await killed!.api<ExportRecord>('GET', `/api/exports/${started.body.id}`);
      return (body.state !== 'running' || body.progress.records > 0) && body;
    }, 'the export to write its first records');
    expect(midway.state).toBe('running');
    const exited = new Promise((resolve) => killed!.process.child.once('exit', resolve));
    killed.process.child.kill('SIGKILL');
    await exited;

    const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
    const record = await store.exports.get<ExportRecord & { runner: { host: string; pid: number } }>(started.body.id);
    expect(record?.state).toBe('running');
    // Two more running records, written by a live process of this host: one whose recorded start time is
    // that process's (it still writes: left alone), one whose is not (a later process got the writer's pid).
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600_000)'], { stdio: 'ignore' });
    const ticks = processStartTicks(sleeper.pid!);
    const live = `${started.body.id}L`;
    const reused = `${started.body.id}R`;
    // Records with the runner's own fields beside the API's, as the export service writes them.
    const liveRecord = { ...record!, id: live, runner: { ...record!.runner, pid: sleeper.pid, startTicks: ticks } };
    const reusedRecord = { ...record!, id: reused, runner: { ...record!.runner, pid: sleeper.pid, startTicks: ticks === null ? null : String(Number(ticks) + 1) } };
    await store.exports.put(liveRecord);
    await store.exports.put(reusedRecord);
    await store.close();

    const restarted = await startDetector({}, { home, worker: false });
    try {
      expect((await restarted.api<ExportRecord>('GET', `/api/exports/${live}`)).body.state).toBe('running');
      if (ticks !== null) expect((await restarted.api<ExportRecord>('GET', `/api/exports/${reused}`)).body).toMatchObject({ state: 'failed', error: expect.stringMatching(/^the detector writing it \(process \d+\) stopped before it finished/) });
      const { body } = await restarted.api<ExportRecord>('GET', `/api/exports/${started.body.id}`);
      expect(body).toMatchObject({ state: 'failed', finishedAt: expect.any(String) });
      expect(body.error).toMatch(/^the detector writing it \(process \d+\) stopped before it finished; start the export again$/);
      const listed = await restarted.api<{ items: ExportRecord[] }>('GET', '/api/exports');
      expect(listed.body.items.filter((x) => x.state === 'running').map((x) => x.id)).toEqual([live]);
      expect((await restarted.api('GET', `/api/exports/${started.body.id}/archive`)).status).toBe(404);
      const audit = await restarted.api<{ items: { action: string; actor: { id: string } }[] }>('GET', `/api/audit?target=export:${started.body.id}`);
      expect(audit.body.items).toMatchObject([{ action: 'export.fail', actor: { id: 'exports' } }]);
    } finally {
      sleeper.kill('SIGKILL');
      await restarted.close();
    }
  });
});
