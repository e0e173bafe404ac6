import type Database from 'better-sqlite3';

/** How much the sqlite log keeps. `Infinity` (or 0 from configuration) switches a limit off. */
export interface SqliteRetentionPolicy {
  /** Messages older than this (by append time) go once every durable group has consumed them. */
  maxAgeMs: number;
  /** Payload bytes kept over all topics; beyond it the oldest go even if unconsumed (counted). */
  maxBytes: number;
}

/** What one retention pass removed. */
export interface RetentionReport {
  deletedByAge: number;
  deletedBySize: number;
  /** Of `deletedBySize`, messages some durable group had not consumed yet. */
  droppedUnconsumed: number;
}

interface ChunkRow {
  seq: number;
  appended_ms: number;
  bytes: number;
}

/** Rows removed per transaction: keeps each write short so publishers and the event loop never wait long. */
const CHUNK = 2_000;

/**
 * Retention of the sqlite log, in short transactions with the event loop free between them. By age it
 * never removes what a durable group has not committed; by size it removes the oldest messages first
 * and counts those some durable group had not consumed (`topics.dropped_unconsumed`).
 */
export class SqliteRetention {
  private readonly ageChunk;
  private readonly sizeChunk;
  private readonly claim;
  private readonly topicIds: () => number[];

  constructor(
    db: Database.Database,
    private readonly policy: SqliteRetentionPolicy,
  ) {
    const topics = db.prepare<[], { id: number }>('SELECT id FROM topics ORDER BY id');
    const topic = db.prepare<[number], { head: number; tail: number }>('SELECT head, tail FROM topics WHERE id = ?');
    const minCommitted = db.prepare<[number], number | null>('SELECT min(committed) FROM group_offsets WHERE topic_id = ?').pluck();
    const rows = db.prepare<[number, number, number, number], ChunkRow>(
      'SELECT seq, appended_ms, bytes FROM messages WHERE topic_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?',
    );
    const remove = db.prepare<[number, number, number]>('DELETE FROM messages WHERE topic_id = ? AND seq >= ? AND seq <= ?');
    const advanceTail = db.prepare<[number, number, number, number]>(
      'UPDATE topics SET tail = ?, bytes = bytes - ?, dropped_unconsumed = dropped_unconsumed + ? WHERE id = ?',
    );
    const totalBytes = db.prepare<[], number | null>('SELECT sum(bytes) FROM topics').pluck();
    const oldestTopic = db.prepare<[], { id: number }>(
      `SELECT t.id FROM topics t JOIN messages m ON m.topic_id = t.id AND m.seq = t.tail
       WHERE t.head >= t.tail ORDER BY m.appended_ms, t.id LIMIT 1`,
    );
    const lastRun = db.prepare<[], string>("SELECT value FROM bus_meta WHERE name = 'retention_ms'").pluck();
    const setLastRun = db.prepare<[string]>("INSERT INTO bus_meta (name, value) VALUES ('retention_ms', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");

    const drop = (topicId: number, tail: number, chunk: readonly ChunkRow[], unconsumedAfter: number | null): { count: number; unconsumed: number } => {
      const last = chunk[chunk.length - 1] as ChunkRow;
      let bytes = 0;
      let unconsumed = 0;
      for (const row of chunk) {
        bytes += row.bytes;
        if (unconsumedAfter !== null && row.seq > unconsumedAfter) unconsumed += 1;
      }
      remove.run(topicId, tail, last.seq);
      advanceTail.run(last.seq + 1, bytes, unconsumed, topicId);
      return { count: chunk.length, unconsumed };
    };

    this.ageChunk = db.transaction((topicId: number, cutoffMs: number): number => {
      const range = topic.get(topicId);
      if (!range || range.head < range.tail) return 0;
      // Durable groups hold back age retention: nothing past the slowest group's commit goes.
      const slowest = minCommitted.get(topicId) ?? null;
      const upTo = slowest === null ? range.head : Math.min(slowest, range.head);
      const chunk = rows.all(topicId, range.tail, upTo, CHUNK);
      let old = 0;
      while (old < chunk.length && (chunk[old] as ChunkRow).appended_ms < cutoffMs) old += 1;
      if (old === 0) return 0;
      return drop(topicId, range.tail, chunk.slice(0, old), null).count;
    });

    this.sizeChunk = db.transaction((maxBytes: number): { count: number; unconsumed: number } => {
      const excess = (totalBytes.get() ?? 0) - maxBytes;
      if (excess <= 0) return { count: 0, unconsumed: 0 };
      const oldest = oldestTopic.get();
      if (!oldest) return { count: 0, unconsumed: 0 };
      const range = topic.get(oldest.id) as { head: number; tail: number };
      const chunk = rows.all(oldest.id, range.tail, range.head, CHUNK);
      let take = 0;
      let freed = 0;
      while (take < chunk.length && freed < excess) {
        freed += (chunk[take] as ChunkRow).bytes;
        take += 1;
      }
      if (take === 0) return { count: 0, unconsumed: 0 };
      return drop(oldest.id, range.tail, chunk.slice(0, take), minCommitted.get(oldest.id) ?? null);
    });

    this.claim = db.transaction((now: number, intervalMs: number): boolean => {
      const last = Number(lastRun.get() ?? 0);
      if (now - last < intervalMs) return false;
      setLastRun.run(String(now));
      return true;
    });

    this.topicIds = () => topics.all().map((row) => row.id);
  }

  /**
   * True when no process ran retention on this file within `intervalMs`, and records this run: many
   * collectors share the file, one of them trims per interval.
   */
  claimRun(now: number, intervalMs: number): boolean {
    return this.claim.immediate(now, intervalMs);
  }

  async enforce(now: number): Promise<RetentionReport> {
    const report: RetentionReport = { deletedByAge: 0, deletedBySize: 0, droppedUnconsumed: 0 };
    if (Number.isFinite(this.policy.maxAgeMs)) {
      const cutoff = now - this.policy.maxAgeMs;
      for (const topicId of this.topicIds()) {
        for (;;) {
          const count = this.ageChunk.immediate(topicId, cutoff);
          report.deletedByAge += count;
          if (count < CHUNK) break;
          await yieldToEventLoop();
        }
      }
    }
    if (Number.isFinite(this.policy.maxBytes)) {
      for (;;) {
        const { count, unconsumed } = this.sizeChunk.immediate(this.policy.maxBytes);
        report.deletedBySize += count;
        report.droppedUnconsumed += unconsumed;
        if (count === 0) break;
        await yieldToEventLoop();
      }
    }
    return report;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
