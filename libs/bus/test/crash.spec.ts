import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteBus, silentBusLogger } from '../src/index.js';
import { CrashChild } from './crash.child.js';
import { tempHome } from './temp-home.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const writerScript = path.join(here, 'fixtures/bus-writer.child.mjs');
const consumerScript = path.join(here, 'fixtures/bus-consumer.child.mjs');

/** Offsets each "store" file received, with how many times. */
function processed(...files: string[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line) seen.set(Number(line), (seen.get(Number(line)) ?? 0) + 1);
  }
  return seen;
}

function committedOffset(file: string, group: string): number | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[string], number>("SELECT committed FROM group_offsets WHERE group_name = ? AND topic_id = (SELECT id FROM topics WHERE name = 'mcp.telemetry')").pluck().get(group);
  } finally {
    db.close();
  }
}

/**
 * Real `kill -9` of real processes using the built adapter (the children import libs/bus/dist, built
 * here first). What they prove: nothing acknowledged is lost and nothing is half-written; a killed
 * consumer's group resumes from its last commit with every message delivered at least once; a standby
 * member takes over a group whose member died or froze, and the frozen one cannot commit any more.
 */
describe('sqlite bus under kill -9', () => {
  let home: ReturnType<typeof tempHome>;
  const children: CrashChild[] = [];
  const start = (script: string, args: string[]): CrashChild => {
    const child = new CrashChild(script, args);
    children.push(child);
    return child;
  };

  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-b', path.join(here, '../tsconfig.lib.json')], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building libs/bus for the crash tests failed: ${build.stdout}${build.stderr}`);
  });

  beforeEach(() => {
    home = tempHome();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()));
    home.remove();
  });

  async function publish(count: number): Promise<void> {
    const bus = new SqliteBus({ file: home.file, logger: silentBusLogger });
    const producer = bus.producer();
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ key: 'srv:session', value: JSON.stringify({ id: i + j + 1 }) }));
      expect((await producer.publish('mcp.telemetry', batch)).kind).toBe('success');
    }
    await bus.close();
  }

  it('keeps every batch the writers acknowledged before they were killed, and no half batch', async () => {
    // Three rounds of two concurrent writers killed mid-stream on the same file: each kill may land inside a transaction.
    const acked = new Map<string, number>();
    for (const round of [1, 2, 3]) {
      const names = [`${round}a`, `${round}b`];
      const writers = names.map((name) => start(writerScript, [home.file, 'mcp.telemetry', name]));
      await Promise.all(writers.map((writer) => writer.waitFor(new RegExp(`^acked ${5 + round * 7}$`), 15_000)));
      await Promise.all(writers.map((writer) => writer.kill()));
      names.forEach((name, i) => acked.set(name, writers[i]!.count(/^acked \d+$/)));
    }

    const db = new Database(home.file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare<[], { seq: number; value: string }>("SELECT seq, value FROM messages ORDER BY seq").all();
    const head = db.prepare("SELECT head FROM topics WHERE name = 'mcp.telemetry'").pluck().get() as number;
    db.close();
    // Offsets are contiguous: no batch left a hole or a partial write behind.
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const batches = new Map<string, number>();
    for (const row of rows) {
      const { writer, batch } = JSON.parse(row.value) as { writer: string; batch: number };
      batches.set(`${writer}/${batch}`, (batches.get(`${writer}/${batch}`) ?? 0) + 1);
    }
    expect([...batches.values()].every((count) => count === 100)).toBe(true);
    for (const [writer, count] of acked) {
      const stored = [...batches.keys()].filter((key) => key.startsWith(`${writer}/`)).map((key) => Number(key.split('/')[1]));
      // Every acknowledged batch is there; at most the one in flight at the kill is there too, unacknowledged.
      for (let batch = 0; batch < count; batch += 1) expect(stored).toContain(batch);
      expect(stored.length - count).toBeGreaterThanOrEqual(0);
      expect(stored.length - count).toBeLessThanOrEqual(1);
    }

    const bus = new SqliteBus({ file: home.file, logger: silentBusLogger });
    expect((await bus.producer().publish('mcp.telemetry', [{ value: '{"after":"restart"}' }])).kind).toBe('success');
    expect(bus.stats()).toMatchObject([{ topic: 'mcp.telemetry', head: head + 1 }]);
    await bus.close();
  }, 60_000);

  it('resumes a killed consumer from its last commit with every message delivered at least once', async () => {
    const total = 3_000;
    await publish(total);
    const first = path.join(home.dir, 'store-1.txt');
    const consumer = start(consumerScript, [home.file, 'mcp.telemetry', 'detector', first]);
    await consumer.waitFor(/^handled (1[0-9]{3}|[2-9][0-9]{3})$/);
    await consumer.kill();

    const beforeRestart = processed(first);
    const handledMax = Math.max(...beforeRestart.keys());
    const committed = committedOffset(home.file, 'detector') as number;
    // The commit never runs ahead of the handler, and everything committed was handled.
    expect(committed).toBeLessThanOrEqual(handledMax);
    for (let offset = 1; offset <= committed; offset += 1) expect(beforeRestart.has(offset)).toBe(true);

    // Restarted at once: the lease of the dead process is taken over without waiting for it to expire.
    const second = path.join(home.dir, 'store-2.txt');
    const restarted = start(consumerScript, [home.file, 'mcp.telemetry', 'detector', second]);
    await vi.waitFor(() => expect(processed(first, second).size).toBe(total), { timeout: 30_000, interval: 50 });
    restarted.signal('SIGTERM');
    expect((await restarted.exited).code).toBe(0);

    const all = processed(first, second);
    const afterRestart = processed(second);
    expect(Math.min(...afterRestart.keys())).toBe(committed + 1);
    // Duplicates only where the kill left handled-but-uncommitted messages.
    const duplicated = [...all.entries()].filter(([, times]) => times > 1).map(([offset]) => offset);
    expect(duplicated.every((offset) => offset > committed && offset <= handledMax)).toBe(true);
    expect(committedOffset(home.file, 'detector')).toBe(total);
    const bus = new SqliteBus({ file: home.file, logger: silentBusLogger });
    expect(await bus.lag('detector', 'mcp.telemetry')).toEqual({ messages: 0, ms: 0 });
    await bus.close();
  });

  /** 2,000 messages, an active member A (slow store) mid-stream, and a standby B of the same group. */
  async function activeAndStandby(leaseTtlMs: number, reclaimDeadHolders: boolean) {
    await publish(2_000);
    const storeA = path.join(home.dir, 'store-a.txt');
    const storeB = path.join(home.dir, 'store-b.txt');
    const settings = [String(leaseTtlMs), String(reclaimDeadHolders), '25'];
    const a = start(consumerScript, [home.file, 'mcp.telemetry', 'detector', storeA, ...settings]);
    await a.waitFor(/^handled /);
    const b = start(consumerScript, [home.file, 'mcp.telemetry', 'detector', storeB, ...settings]);
    await b.waitFor(/^started$/);
    return { total: 2_000, a, b, storeA, storeB };
  }

  it('lets a standby member take over once the lease of a killed member expires', async () => {
    // reclaim=false: the standby may only take over by lease expiry (2 s), not by noticing the dead pid.
    const { total, a, b, storeA, storeB } = await activeAndStandby(2_000, false);
    await a.waitFor(/^handled (5[0-9]{2}|[6-9][0-9]{2}|[0-9]{4})$/);
    expect(a.count(/^handled 2000$/)).toBe(0); // A is mid-stream when killed
    expect(b.count(/^active$/)).toBe(0); // one active member while A is alive
    await a.kill();
    const committed = committedOffset(home.file, 'detector') as number;

    await b.waitFor(/^active$/);
    await vi.waitFor(() => expect(processed(storeA, storeB).size).toBe(total), { timeout: 30_000, interval: 50 });
    expect(Math.min(...processed(storeB).keys())).toBe(committed + 1);
    b.signal('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect(committedOffset(home.file, 'detector')).toBe(total);
  });

  it('fences a frozen member: a standby takes over, and the old member cannot commit when it wakes', async () => {
    const { total, a, b, storeA, storeB } = await activeAndStandby(1_500, true);
    expect(a.count(/^handled 2000$/)).toBe(0); // A is mid-stream when frozen
    a.signal('SIGSTOP'); // alive (its pid exists) but silent: only the lease expiry can free the group
    await b.waitFor(/^active$/);
    await vi.waitFor(() => expect(processed(storeB).size).toBeGreaterThan(200), { timeout: 30_000, interval: 50 });
    const handledByA = processed(storeA).size;
    a.signal('SIGCONT');
    await vi.waitFor(() => expect(processed(storeA, storeB).size).toBe(total), { timeout: 30_000, interval: 50 });
    await vi.waitFor(() => expect(a.stderr).toMatch(/lost its membership/), { timeout: 10_000 });
    // After waking, A finished at most the batch it was frozen in; B holds the group and its commits stand.
    expect(processed(storeA).size - handledByA).toBeLessThanOrEqual(50);
    b.signal('SIGTERM');
    a.signal('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect((await a.exited).code).toBe(0);
    expect(committedOffset(home.file, 'detector')).toBe(total);
  });
});
