import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileEngine, createState, evaluate, parseRulePack } from '@palisade/detection';
import { busConfigFromEnv, createBus } from '@palisade/bus';
import { TELEMETRY_TOPIC } from '@palisade/schema';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { afterAll, describe, expect, it } from 'vitest';
import { readRuleFiles } from '../src/services/engine.service.js';
import { mixedStream } from './support/mixed-stream.js';

const repo = path.resolve(import.meta.dirname, '../../..');
const cli = path.join(repo, 'apps/detector/bin/palisade-detector.js');
const built = existsSync(path.join(repo, 'apps/detector/dist/main.js'));
const rulesDir = path.join(repo, 'rules');

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// These tests run built code: without it they would pass by skipping, so a missing build fails them, by name.
if (!built) throw new Error("this suite runs the detector's build (apps/detector/dist): run `npm run build` (npm ci does it) first");

describe('detector crash recovery (kill -9 of the real process mid-stream)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-crash-'));
  const env = { ...process.env, PALISADE_HOME: home, PALISADE_RULES_DIR: rulesDir, PALISADE_LOG_LEVEL: 'warn' };
  const children: ChildProcess[] = [];
  const start = (): ChildProcess => {
    const child = spawn(process.execPath, [cli, 'serve', '--worker-only'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0) console.error(`detector exited with ${code ?? signal}:\n${stderr}`);
    });
    children.push(child);
    return child;
  };

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('stores every event once and every alert once, exactly the alerts of an uninterrupted run', { timeout: 600_000 }, async () => {
    const events = mixedStream(10_000, Date.now() - 3600_000);
    const bus = createBus(busConfigFromEnv(env));
    const producer = bus.producer();
    for (let i = 0; i < events.length; i += 200) {
      const batch = events.slice(i, i + 200).map((e) => ({ key: `${e['palisade.server.name']}/${e['mcp.session.id']}`, value: JSON.stringify(e) }));
      expect((await producer.publish(TELEMETRY_TOPIC, batch)).kind).toBe('success');
    }
    await producer.close();
    const store = await createStore(storeConfigFromEnv(env));

    // What an uninterrupted engine raises over the same stream.
    const { rules } = parseRulePack(readRuleFiles(rulesDir));
    const engine = compileEngine({ rules });
    const state = createState();
    const expected = new Set(events.flatMap((e) => evaluate(engine, e, state).alerts.map((a) => a.id)));
    expect(expected.size).toBeGreaterThan(10);

    let kills = 0;
    for (const fraction of [0.2, 0.5]) {
      const child = start();
      await until(async () => (await store.events.count()) >= events.length * fraction, `${fraction * 100}% of the events stored`);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills += 1;
    }
    expect(kills).toBe(2);
    const stored = await store.events.count();
    expect(stored).toBeLessThan(events.length); // the kills landed mid-stream

    const last = start();
    await until(async () => (await store.events.count()) === events.length && (await bus.lag('palisade-detector', TELEMETRY_TOPIC)).messages === 0, 'the restarted worker to catch up', 180_000);
    last.kill('SIGTERM');
    await new Promise((r) => last.once('exit', r));

    expect(await store.events.count()).toBe(events.length);
    const alertIds: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.alerts.search({ limit: 500, ...(cursor ? { cursor } : {}) });
      alertIds.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(alertIds).size).toBe(alertIds.length);
    expect(new Set(alertIds)).toEqual(expected);
    await store.close();
    await bus.close();
  });
});

if (!built) console.log('detector crash test skipped: apps/detector/dist is not built (run `node tools/build.mjs`)');
