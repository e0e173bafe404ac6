import type Database from 'better-sqlite3';
import { type BusMessage, type ConsumerLag, type DeadLetter, type OutgoingMessage } from '../bus.port.js';

interface MessageRow {
  seq: number;
  key: string | null;
  value: string;
  ts_ms: number;
}

interface TopicRow {
  id: number;
  head: number;
  tail: number;
}

interface LeaseRow {
  owner: string;
  host: string;
  pid: number;
  expires_ms: number;
}

/** Who holds a group's lease: a unique owner id plus where it runs, so a dead holder can be recognised. */
export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
}

/** Per-topic figures of the log. */
export interface SqliteTopicStats {
  topic: string;
  /** Offset of the newest message (0 when none was ever written). */
  head: number;
  /** Offset of the oldest retained message (head + 1 when the topic is empty). */
  tail: number;
  messages: number;
  bytes: number;
  /** Messages the size cap removed before every durable group had consumed them. */
  droppedUnconsumed: number;
}

/**
 * Every SQL statement of the sqlite bus, over one connection. Each method is one short statement or
 * one `BEGIN IMMEDIATE` transaction (writers queue on SQLite's lock through the busy timeout instead
 * of failing on a read-to-write upgrade), so a crash at any instant leaves either all of a write or
 * none of it.
 */
export class SqliteLog {
  private readonly topicIds = new Map<string, number>();
  private readonly statements;
  private readonly appendBatch;
  private readonly joinGroup;
  private readonly commitGroup;

  constructor(private readonly db: Database.Database) {
    const s = {
      topicByName: db.prepare<[string], TopicRow>('SELECT id, head, tail FROM topics WHERE name = ?'),
      topicById: db.prepare<[number], TopicRow>('SELECT id, head, tail FROM topics WHERE id = ?'),
      insertTopic: db.prepare<[string, number]>('INSERT INTO topics (name, created_ms) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
      head: db.prepare<[number], number>('SELECT head FROM topics WHERE id = ?').pluck(),
      insertMessage: db.prepare<[number, number, string | null, string, number, number, number]>(
        'INSERT INTO messages (topic_id, seq, key, value, ts_ms, appended_ms, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      advanceHead: db.prepare<[number, number, number]>('UPDATE topics SET head = ?, bytes = bytes + ? WHERE id = ?'),
      readAfter: db.prepare<[number, number, number], MessageRow>(
        'SELECT seq, key, value, ts_ms FROM messages WHERE topic_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      appendedAfter: db.prepare<[number, number], number>('SELECT appended_ms FROM messages WHERE topic_id = ? AND seq > ? ORDER BY seq LIMIT 1').pluck(),
      lease: db.prepare<[string, number], LeaseRow>('SELECT owner, host, pid, expires_ms FROM group_leases WHERE group_name = ? AND topic_id = ?'),
      upsertLease: db.prepare<[string, number, string, string, number, number]>(
        `INSERT INTO group_leases (group_name, topic_id, owner, host, pid, expires_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_name, topic_id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_ms = excluded.expires_ms`,
      ),
      renewLease: db.prepare<[number, string, number, string]>('UPDATE group_leases SET expires_ms = ? WHERE group_name = ? AND topic_id = ? AND owner = ?'),
      releaseLease: db.prepare<[string, number, string]>('DELETE FROM group_leases WHERE group_name = ? AND topic_id = ? AND owner = ?'),
      committed: db.prepare<[string, number], number>('SELECT committed FROM group_offsets WHERE group_name = ? AND topic_id = ?').pluck(),
      insertOffset: db.prepare<[string, number, number, number]>('INSERT INTO group_offsets (group_name, topic_id, committed, updated_ms) VALUES (?, ?, ?, ?)'),
      commitOffset: db.prepare<[number, number, string, number, number]>(
        'UPDATE group_offsets SET committed = ?, updated_ms = ? WHERE group_name = ? AND topic_id = ? AND committed < ?',
      ),
      insertDeadLetter: db.prepare<[string, number, string, string, string, string, number, number]>(
        'INSERT INTO dead_letters (topic, partition, message_offset, group_name, reason, value, ts_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      deadLetterCount: db.prepare<[string], number>('SELECT count(*) FROM dead_letters WHERE topic = ?').pluck(),
      deadLetters: db.prepare<[string, number], { topic: string; partition: number; message_offset: string; group_name: string; reason: string; value: string; ts_ms: number }>(
        'SELECT topic, partition, message_offset, group_name, reason, value, ts_ms FROM dead_letters WHERE topic = ? ORDER BY id DESC LIMIT ?',
      ),
      stats: db.prepare<[], { name: string; head: number; tail: number; bytes: number; dropped_unconsumed: number }>(
        'SELECT name, head, tail, bytes, dropped_unconsumed FROM topics ORDER BY name',
      ),
    };
    this.statements = s;

    this.appendBatch = db.transaction((topicId: number, messages: readonly OutgoingMessage[], sizes: readonly number[], now: number) => {
      let seq = s.head.get(topicId) ?? 0;
      let bytes = 0;
      for (let i = 0; i < messages.length; i += 1) {
        const message = messages[i] as OutgoingMessage;
        seq += 1;
        const size = sizes[i] ?? 0;
        bytes += size;
        s.insertMessage.run(topicId, seq, message.key ?? null, message.value, message.timestampMs ?? now, now, size);
      }
      s.advanceHead.run(seq, bytes, topicId);
      return seq;
    });

    this.joinGroup = db.transaction(
      (group: string, topicId: number, holder: LeaseHolder, now: number, ttlMs: number, fromBeginning: boolean, holderGone: (lease: LeaseHolder) => boolean) => {
        const lease = s.lease.get(group, topicId);
        if (lease && lease.owner !== holder.owner && lease.expires_ms > now && !holderGone(lease)) return null;
        s.upsertLease.run(group, topicId, holder.owner, holder.host, holder.pid, now + ttlMs);
        const committed = s.committed.get(group, topicId);
        if (committed !== undefined) return committed;
        // A new group: its start is written at once, so a crash before its first commit cannot skip messages.
        const topic = s.topicById.get(topicId) as TopicRow;
        const start = fromBeginning ? topic.tail - 1 : topic.head;
        s.insertOffset.run(group, topicId, start, now);
        return start;
      },
    );

    this.commitGroup = db.transaction((group: string, topicId: number, owner: string, position: number, now: number, ttlMs: number) => {
      // The lease check and the offset write are one step: a member that lost its lease cannot commit.
      if (s.renewLease.run(now + ttlMs, group, topicId, owner).changes === 0) return false;
      s.commitOffset.run(position, now, group, topicId, position);
      return true;
    });
  }

  /** The topic's id, creating the topic on first use. */
  topicId(topic: string, now: number): number {
    const cached = this.topicIds.get(topic);
    if (cached !== undefined) return cached;
    let row = this.statements.topicByName.get(topic);
    if (!row) {
      this.statements.insertTopic.run(topic, now);
      row = this.statements.topicByName.get(topic) as TopicRow;
    }
    this.topicIds.set(topic, row.id);
    return row.id;
  }

  /** Appends a batch in one transaction; returns the offset of its last message. */
  append(topic: string, messages: readonly OutgoingMessage[], sizes: readonly number[], now: number): number {
    const topicId = this.topicId(topic, now);
    return this.appendBatch.immediate(topicId, messages, sizes, now);
  }

  read(topic: string, topicId: number, after: number, max: number): BusMessage[] {
    const rows = this.statements.readAfter.all(topicId, after, max);
    const messages: BusMessage[] = new Array<BusMessage>(rows.length);
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i] as MessageRow;
      messages[i] = { topic, partition: 0, offset: String(row.seq), key: row.key, value: row.value, timestampMs: row.ts_ms };
    }
    return messages;
  }

  /** Offset range of a topic: head (newest) and tail (oldest retained). */
  range(topicId: number): { head: number; tail: number } {
    const row = this.statements.topicById.get(topicId);
    return row ? { head: row.head, tail: row.tail } : { head: 0, tail: 1 };
  }

  /**
   * Takes the group's lease when it is free, expired, or held by a process that is gone; returns the
   * committed position, or null while another live member holds it.
   */
  join(
    group: string,
    topicId: number,
    holder: LeaseHolder,
    now: number,
    ttlMs: number,
    fromBeginning: boolean,
    holderGone: (lease: LeaseHolder) => boolean,
  ): number | null {
    return this.joinGroup.immediate(group, topicId, holder, now, ttlMs, fromBeginning, holderGone);
  }

  renew(group: string, topicId: number, owner: string, now: number, ttlMs: number): boolean {
    return this.statements.renewLease.run(now + ttlMs, group, topicId, owner).changes > 0;
  }

  commit(group: string, topicId: number, owner: string, position: number, now: number, ttlMs: number): boolean {
    return this.commitGroup.immediate(group, topicId, owner, position, now, ttlMs);
  }

  release(group: string, topicId: number, owner: string): void {
    this.statements.releaseLease.run(group, topicId, owner);
  }

  lag(group: string, topic: string, now: number): ConsumerLag {
    const row = this.statements.topicByName.get(topic);
    if (!row) return { messages: 0, ms: 0 };
    const committed = this.statements.committed.get(group, row.id) ?? row.tail - 1;
    const from = Math.max(committed, row.tail - 1);
    const messages = Math.max(0, row.head - from);
    if (messages === 0) return { messages: 0, ms: 0 };
    const appended = this.statements.appendedAfter.get(row.id, from);
    return { messages, ms: appended === undefined ? 0 : Math.max(0, now - appended) };
  }

  addDeadLetter(letter: DeadLetter, now: number): void {
    this.statements.insertDeadLetter.run(letter.topic, letter.partition, letter.offset, letter.group, letter.reason, letter.value, letter.timestampMs, now);
  }

  deadLetterCount(topic: string): number {
    return this.statements.deadLetterCount.get(topic) ?? 0;
  }

  /** The newest dead letters of a topic, newest first. */
  deadLetters(topic: string, limit: number): DeadLetter[] {
    return this.statements.deadLetters.all(topic, limit).map((row) => ({
      topic: row.topic,
      partition: row.partition,
      offset: row.message_offset,
      group: row.group_name,
      reason: row.reason,
      value: row.value,
      timestampMs: row.ts_ms,
    }));
  }

  stats(): SqliteTopicStats[] {
    return this.statements.stats.all().map((row) => ({
      topic: row.name,
      head: row.head,
      tail: row.tail,
      messages: Math.max(0, row.head - row.tail + 1),
      bytes: row.bytes,
      droppedUnconsumed: row.dropped_unconsumed,
    }));
  }
}
