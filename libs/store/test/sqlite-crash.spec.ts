import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { verifyAuditChain, type AuditEntry } from '@palisade/schema';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/sqlite/sqlite.store.js';
import { ensureStoreBuilt, fixturesDir } from './fixtures/built-store.js';

const BATCH = 200;
const PER_WRITER = 300;

/**
 * Runs the crash writer until it has reported `batches` commits, then kills it with SIGKILL as soon as it
 * says it begins the next batch, so the kill lands inside writeBatch's transaction. Returns the batches
 * it reported committed and the last batch it had begun when it died.
 */
async function writeThenKill(file: string, batches: number): Promise<{ committed: number[]; lastBegun: number }> {
  const child = spawn(process.execPath, [path.join(fixturesDir, 'crash-writer.mjs'), file, String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const committed: number[] = [];
  let lastBegun = -1;
  // Reads to the end of the pipe: what the child wrote before it died is still there after the kill.
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, number] = line.split(' ');
    if (word === 'begin') lastBegun = Number(number);
    if (word === 'committed') committed.push(Number(number));
    if (word === 'begin' && committed.length >= batches && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return { committed, lastBegun };
}

async function scanAll<T>(scan: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const batch of scan) items.push(...batch);
  return items;
}

describe(`${SqliteStore.name} after kill -9`, () => {
  let home: string;
  let file: string;

  beforeAll(() => ensureStoreBuilt());

  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'palisade-crash-'));
    file = path.join(home, 'store.db');
  });

  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('keeps every committed batch whole and none partial, and opens clean, kill after kill', async () => {
    const reported: number[] = [];
    let killsInsideABatch = 0;
    // At least three kills, and on until one has landed inside a batch (begun, never committed): nearly
    // every kill does, since it is sent the moment the writer says it begins a batch.
    for (let round = 0; round < 3 || (killsInsideABatch === 0 && round < 12); round += 1) {
      const { committed, lastBegun } = await writeThenKill(file, 15);
      reported.push(...committed);

      const raw = new Database(file);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      // Events per batch: every batch is there with all its events, or not at all.
      const perBatch = raw.prepare('SELECT substr(id, 7, 6) AS batch, count(*) AS n FROM events GROUP BY batch ORDER BY batch').all() as { batch: string; n: number }[];
      const ftsRows = raw.prepare('SELECT count(*) FROM events_fts').pluck().get() as number;
      raw.close();

      const store = SqliteStore.open({ file });
      try {
        const last = (await store.engineState.get('crash:lastBatch')) as number;
        if (lastBegun > last) killsInsideABatch += 1;
        expect(Math.max(...reported)).toBeLessThanOrEqual(last);
        expect(perBatch.map((row) => Number(row.batch))).toEqual(Array.from({ length: last + 1 }, (_, batch) => batch));
        expect(perBatch.every((row) => row.n === BATCH)).toBe(true);
        expect(await store.events.count()).toBe((last + 1) * BATCH);
        expect(ftsRows).toBe((last + 1) * BATCH);
        expect((await store.events.search({ q: 'lorem', limit: 1 })).total).toBe((last + 1) * BATCH);
        expect((await store.alerts.search({ limit: 1 })).total).toBe((last + 1) * 2);
        expect((await store.incidents.search({ limit: 1, sort: 'recent' })).total).toBe(last + 1);
        for (const batch of reported) {
          const ids = Array.from({ length: BATCH }, (_, index) => `crash_${String(batch).padStart(6, '0')}_${String(index).padStart(4, '0')}`);
          expect(await store.events.getMany(ids)).toHaveLength(BATCH);
        }
        const audit: AuditEntry[] = await scanAll(store.audit.scan({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }));
        expect(audit.map((entry) => entry.target)).toEqual(Array.from({ length: last + 1 }, (_, batch) => `batch:${batch}`));
        expect(verifyAuditChain(audit).ok).toBe(true);
        expect(store.stats().malformedRowsSkipped).toBe(0);
      } finally {
        await store.close();
      }
    }
    expect(killsInsideABatch).toBeGreaterThan(0);
  });

  it('never forks the audit chain when several processes append at once', { timeout: 120_000 }, async () => {
    // One round: three processes append at once to a fresh store; the chain must verify every time. The
    // scheduler decides whether they really interleave, so rounds repeat (at most 5) until one did.
    async function round(roundFile: string): Promise<number> {
      await SqliteStore.open({ file: roundFile }).close();
      const children = ['a', 'b', 'c'].map((writer) =>
        spawn(process.execPath, [path.join(fixturesDir, 'audit-writer.mjs'), roundFile, String(PER_WRITER), writer], { stdio: ['pipe', 'pipe', 'pipe'] }),
      );
      // A writer that dies early must fail the test with its own words, not with an EPIPE on `go`.
      const stderr = children.map(() => '');
      children.forEach((child, i) => {
        child.stderr!.on('data', (chunk: Buffer) => (stderr[i] += chunk.toString()));
        child.stdin!.on('error', () => undefined);
      });
      const exits = children.map((child) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))));
      // Start them together: each says `ready` once its store is open, then all get `go`.
      await Promise.all(
        children.map(async (child) => {
          for await (const line of createInterface({ input: child.stdout! })) if (line === 'ready') return;
        }),
      );
      for (const child of children) child.stdin!.end('go\n');
      const codes = await Promise.all(exits);
      expect(codes, `writers' exit codes; their stderr:\n${stderr.join('\n---\n')}`).toEqual([0, 0, 0]);
      const store = SqliteStore.open({ file: roundFile });
      try {
        const audit = await scanAll(store.audit.scan({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }, 50));
        expect(audit.map((entry) => entry.seq)).toEqual(Array.from({ length: 3 * PER_WRITER }, (_, index) => index + 1));
        expect(verifyAuditChain(audit)).toMatchObject({ ok: true, count: 3 * PER_WRITER });
        // Each writer's own entries are all there, in its order.
        for (const writer of ['a', 'b', 'c']) {
          expect(audit.filter((entry) => entry.actor.id === writer).map((entry) => entry.details['index'])).toEqual(Array.from({ length: PER_WRITER }, (_, index) => index));
        }
        return audit.filter((entry, index) => index > 0 && entry.actor.id !== audit[index - 1]!.actor.id).length;
      } finally {
        await store.close();
      }
    }
    const switches: number[] = [];
    for (let n = 0; n < 5 && !switches.some((s) => s > 2); n += 1) switches.push(await round(`${file}.round${n}`));
    expect(switches.some((s) => s > 2), `the writers interleaved in no round (switches per round: ${switches.join(', ')})`).toBe(true);
  });
});
