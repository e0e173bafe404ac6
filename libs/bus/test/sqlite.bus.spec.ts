import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SQLITE_BUS_SCHEMA_VERSION, SqliteBus, type SqliteBusOptions, silentBusLogger } from '../src/index.js';
import { describeBusBehaviour, ids, payloads, startConsumer } from './bus.behaviour.js';
import { tempHome } from './temp-home.js';

describeBusBehaviour(SqliteBus.name, () => {
  const home = tempHome();
  const open = (): Promise<SqliteBus> => Promise.resolve(new SqliteBus({ file: home.file, logger: silentBusLogger }));
  return { open, reopen: open, cleanup: () => Promise.resolve(home.remove()), exclusiveGroups: true, waitMs: 10_000 };
});

describe(SqliteBus.name, () => {
  let home: ReturnType<typeof tempHome>;
  const buses: SqliteBus[] = [];
  const openBus = (options: Partial<SqliteBusOptions> = {}): SqliteBus => {
    const bus = new SqliteBus({ file: home.file, logger: silentBusLogger, ...options });
    buses.push(bus);
    return bus;
  };

  beforeEach(() => {
    home = tempHome();
  });

  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    home.remove();
  });

  describe('storage', () => {
    it('opens the file in WAL mode with the chosen synchronous level and a busy timeout, at the latest schema', () => {
      openBus({ synchronous: 'full', busyTimeoutMs: 1234 });
      const db = new Database(home.file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_BUS_SCHEMA_VERSION);
      db.close();
      const inside = (buses[0] as unknown as { db: Database.Database }).db;
      expect(inside.pragma('synchronous', { simple: true })).toBe(2);
      expect(inside.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect((openBus() as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(1);
    });

    it('sizes the page cache as asked (a producer keeps little) and refuses a cache too small to be one', () => {
      const cacheOf = (bus: SqliteBus) => (bus as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true });
      expect(cacheOf(openBus())).toBe(-16_000);
      expect(cacheOf(openBus({ cacheKib: 512 }))).toBe(-512);
      expect(() => openBus({ cacheKib: 10 })).toThrow('sqlite bus cacheKib 10: must be a whole number of KiB, at least 64');
    });

    it('refuses a file written by a newer Palisade, naming the file', async () => {
      await openBus().close();
      const db = new Database(home.file);
      db.pragma(`user_version = ${SQLITE_BUS_SCHEMA_VERSION + 1}`);
      db.close();
      expect(() => openBus()).toThrow(/bus schema version 2, newer than this Palisade understands.*upgrade Palisade/);
    });

    it('writes a batch all or nothing: a failure inside the transaction leaves no message behind', async () => {
      const bus = openBus();
      const producer = bus.producer();
      await producer.publish('t', payloads('ok', 3));
      const db = new Database(home.file);
      db.exec(`CREATE TRIGGER reject_poison BEFORE INSERT ON messages WHEN NEW.value = 'poison' BEGIN SELECT RAISE(ABORT, 'poison'); END`);
      const result = await producer.publish('t', [...payloads('half', 50), { value: 'poison' }, ...payloads('rest', 49)]);
      expect(result.kind).toBe('retryable');
      expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(3);
      expect(bus.stats()).toMatchObject([{ topic: 't', head: 3, messages: 3 }]);
      db.exec('DROP TRIGGER reject_poison');
      db.close();
      expect(await producer.publish('t', payloads('after', 2))).toEqual({ kind: 'success', count: 2 });
      expect(bus.stats()).toMatchObject([{ topic: 't', head: 5, tail: 1, messages: 5 }]);
    });

    it('answers retryable while another process holds the write lock past the busy timeout', async () => {
      const bus = openBus({ busyTimeoutMs: 20 });
      await bus.ensureTopics(['t']);
      const other = new Database(home.file);
      other.exec('BEGIN IMMEDIATE');
      const result = await bus.producer().publish('t', payloads('x', 1));
      expect(result).toMatchObject({ kind: 'retryable', error: expect.stringContaining('SQLITE_BUSY') });
      other.exec('ROLLBACK');
      other.close();
      expect((await bus.producer().publish('t', payloads('x', 1))).kind).toBe('success');
    });

    it('answers retryable once closed, so callers spool instead of dropping; consumers cannot start again', async () => {
      const bus = openBus();
      const producer = bus.producer();
      const consumer = bus.consumer({ group: 'g', topic: 't' });
      await bus.close();
      expect((await producer.publish('t', payloads('x', 1))).kind).toBe('retryable');
      await expect(consumer.run(() => Promise.resolve())).rejects.toThrow(/the bus is closed/);
      expect(() => bus.consumer({ group: 'g', topic: 't' })).toThrow(/closed/);
    });

    it('keeps dead letters in a table with their reason', async () => {
      const bus = openBus();
      await bus.deadLetter({ topic: 't', partition: 0, offset: '3', group: 'detector', reason: 'schema: ts missing', value: '{}' });
      expect(bus.deadLetters('t')).toMatchObject([{ offset: '3', group: 'detector', reason: 'schema: ts missing', value: '{}' }]);
    });
  });

  describe('polling', () => {
    it('backs off to the longest poll interval while idle, then reads at once when woken by a publish', async () => {
      vi.useFakeTimers();
      const bus = openBus();
      const read = vi.spyOn((bus as unknown as { log: { read: () => unknown } }).log, 'read');
      const { consumer, received } = startConsumer(bus, { group: 'g', topic: 't', pollIntervalMs: 100 });
      await vi.advanceTimersByTimeAsync(10_000);
      // 10 s idle: a handful of quick polls while backing off, then one per 100 ms.
      expect(read.mock.calls.length).toBeGreaterThan(90);
      expect(read.mock.calls.length).toBeLessThan(120);
      await bus.producer().publish('t', payloads('w', 1));
      await vi.advanceTimersByTimeAsync(1);
      expect(received.messages).toHaveLength(1);
      const stopping = consumer.stop();
      await vi.advanceTimersByTimeAsync(1);
      await stopping;
    });

    it('redelivers with exponential backoff after handler failures', async () => {
      vi.useFakeTimers();
      const bus = openBus();
      await bus.producer().publish('t', payloads('b', 1));
      const delays: number[] = [];
      let calls = 0;
      const consumer = bus.consumer({ group: 'g', topic: 't', retryBackoff: { initialMs: 100, maxMs: 1_000 }, onError: (_, c) => delays.push(c.retryInMs) });
      void consumer.run(() => {
        calls += 1;
        return Promise.reject(new Error('down'));
      });
      await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1_000 + 1_000);
      expect(delays.slice(0, 6)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
      expect(calls).toBe(7);
      const stopping = consumer.stop();
      await vi.advanceTimersByTimeAsync(1);
      await stopping;
      expect((await bus.lag('g', 't')).messages).toBe(1);
    });
  });

  describe('group lease', () => {
    it('keeps the lease of a member whose handler is slow (heartbeats renew it)', async () => {
      vi.useFakeTimers();
      const busA = openBus({ leaseTtlMs: 1_000 });
      const busB = openBus({ leaseTtlMs: 1_000 });
      await busA.producer().publish('t', payloads('s', 3));
      let finish: (() => void) | null = null;
      const a = startConsumer(busA, { group: 'g', topic: 't' }, () => new Promise<void>((resolve) => (finish = resolve)));
      await vi.advanceTimersByTimeAsync(10);
      expect(finish).not.toBeNull();
      const b = startConsumer(busB, { group: 'g', topic: 't' });
      await vi.advanceTimersByTimeAsync(10_000); // ten lease periods
      expect(b.received.messages).toHaveLength(0);
      finish!();
      await vi.advanceTimersByTimeAsync(10);
      expect(a.received.messages).toHaveLength(3);
      expect((await busA.lag('g', 't')).messages).toBe(0);
      const stopping = Promise.all([a.consumer.stop(), b.consumer.stop()]);
      await vi.advanceTimersByTimeAsync(10);
      await stopping;
      expect(b.received.messages).toHaveLength(0);
    });

    it('lets another member take an expired lease and fences the old member, whose batch is redelivered', async () => {
      let skewMs = 0;
      const warnings: string[] = [];
      const busA = openBus({ leaseTtlMs: 1_000, logger: { ...silentBusLogger, warn: (message) => warnings.push(message) } });
      const busB = openBus({ leaseTtlMs: 1_000, now: () => Date.now() + skewMs, reclaimDeadHolders: false });
      await busA.producer().publish('t', payloads('f', 3));
      let releaseA: () => void = () => undefined;
      const a = startConsumer(busA, { group: 'g', topic: 't' }, () => new Promise<void>((resolve) => (releaseA = resolve)));
      await vi.waitFor(() => expect(releaseA).not.toBe(undefined));
      const b = startConsumer(busB, { group: 'g', topic: 't' });
      // B sees A's lease as expired: as if A had stalled for longer than the TTL.
      skewMs = 5_000;
      await vi.waitFor(() => expect(b.received.messages).toHaveLength(3), { timeout: 5_000 });
      releaseA();
      await vi.waitFor(() => expect(a.received.messages).toHaveLength(3));
      // A's handler finished after losing the lease: its commit was refused, B's stands.
      await vi.waitFor(() => expect(warnings.join('\n')).toMatch(/lost its membership/));
      await b.consumer.stop();
      await a.consumer.stop();
      expect((await busB.lag('g', 't')).messages).toBe(0);
      await busA.producer().publish('t', payloads('g', 1));
      expect((await busA.lag('g', 't')).messages).toBe(1);
    });

    it('takes over at once from a holder whose process is gone', async () => {
      const bus = openBus({ leaseTtlMs: 600_000 });
      await bus.producer().publish('t', payloads('d', 2));
      const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
      const db = new Database(home.file);
      const topicId = db.prepare("SELECT id FROM topics WHERE name = 't'").pluck().get();
      db.prepare('INSERT INTO group_leases VALUES (?, ?, ?, ?, ?, ?)').run('g', topicId, 'crashed-detector', (await import('node:os')).hostname(), gone, Date.now() + 600_000);
      db.close();
      const { consumer, received } = startConsumer(bus, { group: 'g', topic: 't' });
      await vi.waitFor(() => expect(ids(received.messages)).toEqual(['d-0', 'd-1']));
      await consumer.stop();
    });
  });

  describe('retention', () => {
    const hour = 3_600_000;

    it('removes old messages only once every durable group has consumed them', async () => {
      let now = Date.UTC(2026, 0, 1);
      const bus = openBus({ now: () => now, retention: { maxAgeMs: 24 * hour, maxBytes: 0, intervalMs: 0 } });
      await bus.producer().publish('t', payloads('old', 10));
      const { consumer, received } = startConsumer(bus, { group: 'detector', topic: 't', maxBatch: 4 }, (batch) => {
        if (batch[0]?.offset === '9') throw new Error('stop here'); // detector stuck on the third batch
      });
      await vi.waitFor(() => expect(received.messages).toHaveLength(8));
      await consumer.stop();
      now += 48 * hour;
      await bus.producer().publish('t', payloads('new', 2));
      expect(await bus.enforceRetention()).toEqual({ deletedByAge: 8, deletedBySize: 0, droppedUnconsumed: 0 });
      expect(bus.stats()).toMatchObject([{ topic: 't', head: 12, tail: 9, messages: 4, droppedUnconsumed: 0 }]);
      expect(await bus.lag('detector', 't')).toEqual({ messages: 4, ms: 48 * hour });
      const resumed = startConsumer(bus, { group: 'detector', topic: 't' });
      await vi.waitFor(() => expect(ids(resumed.received.messages)).toEqual(['old-8', 'old-9', 'new-0', 'new-1']));
      await resumed.consumer.stop();
      now += 48 * hour;
      expect((await bus.enforceRetention()).deletedByAge).toBe(4);
      expect(bus.stats()).toMatchObject([{ head: 12, tail: 13, messages: 0, bytes: 0 }]);
    });

    it('removes old messages of topics no durable group reads', async () => {
      let now = Date.UTC(2026, 0, 1);
      const bus = openBus({ now: () => now, retention: { maxAgeMs: hour, maxBytes: 0, intervalMs: 0 } });
      await bus.producer().publish('t', payloads('a', 5));
      now += 2 * hour;
      expect((await bus.enforceRetention()).deletedByAge).toBe(5);
    });

    it('enforces the size cap oldest first, counting what a group had not consumed, and the group skips the gap', async () => {
      const bus = openBus({ retention: { maxAgeMs: 0, maxBytes: 20 * 1024, intervalMs: 0 } });
      const kilobyte = (prefix: string, n: number) => payloads(prefix, n).map((m) => ({ value: JSON.stringify({ id: (JSON.parse(m.value) as { id: string }).id, pad: 'x'.repeat(1000) }) }));
      await bus.producer().publish('t', kilobyte('c', 10));
      const first = startConsumer(bus, { group: 'detector', topic: 't' });
      await vi.waitFor(() => expect(first.received.messages).toHaveLength(10));
      await first.consumer.stop();
      await bus.producer().publish('t', kilobyte('u', 30));
      const size = Buffer.byteLength(kilobyte('u', 1)[0]!.value);
      const report = await bus.enforceRetention();
      // Oldest first, no more than needed: what remains fits, one more message would not.
      const [stats] = bus.stats();
      expect(stats!.bytes).toBeLessThanOrEqual(20 * 1024);
      expect(stats!.bytes + size).toBeGreaterThan(20 * 1024);
      expect(report.deletedBySize).toBe(stats!.tail - 1);
      expect(stats).toMatchObject({ head: 40, messages: 40 - report.deletedBySize });
      // The first 10 were consumed; every other removed message is counted as dropped unconsumed.
      expect(report.droppedUnconsumed).toBe(report.deletedBySize - 10);
      expect(stats!.droppedUnconsumed).toBe(report.droppedUnconsumed);
      expect((await bus.lag('detector', 't')).messages).toBe(stats!.messages);
      const next = startConsumer(bus, { group: 'detector', topic: 't' });
      await vi.waitFor(() => expect(next.received.messages).toHaveLength(stats!.messages));
      await next.consumer.stop();
      expect(next.received.messages[0]?.offset).toBe(String(stats!.tail));
    });

    it('runs in one process per interval', () => {
      const a = openBus({ retention: { intervalMs: 0 } });
      const claim = (bus: SqliteBus, now: number): boolean => (bus as unknown as { retention: { claimRun: (n: number, i: number) => boolean } }).retention.claimRun(now, 60_000);
      const b = openBus({ retention: { intervalMs: 0 } });
      expect(claim(a, 1_000_000)).toBe(true);
      expect(claim(b, 1_030_000)).toBe(false);
      expect(claim(b, 1_060_000)).toBe(true);
    });
  });
});
