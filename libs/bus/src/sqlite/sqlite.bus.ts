import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { processRuns, retryWhileBusy } from '@palisade/schema/telemetry';
import Database from 'better-sqlite3';
import { type Bus, type BusConsumer, type BusProducer, type ConsumerLag, type ConsumerOptions, type DeadLetter } from '../bus.port.js';
import { type BusLogger, stderrBusLogger } from '../shared/bus.logger.js';
import { resolveConsumerOptions } from '../shared/consumer-options.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../shared/outgoing-message.check.js';
import { PollingConsumer } from '../shared/polling.consumer.js';
import { topicNameProblem } from '../shared/topic-name.js';
import { type WakeupSignal } from '../shared/wakeup.signal.js';
import { migrateSqliteBus } from './sqlite-bus.migrations.js';
import { SqliteEphemeralCursor } from './sqlite-ephemeral.cursor.js';
import { SqliteGroupCursor } from './sqlite-group.cursor.js';
import { type LeaseHolder, SqliteLog, type SqliteTopicStats } from './sqlite.log.js';
import { SqliteProducer } from './sqlite.producer.js';
import { type RetentionReport, SqliteRetention, type SqliteRetentionPolicy } from './sqlite.retention.js';

export interface SqliteBusOptions {
  /** The bus file, e.g. `$PALISADE_HOME/bus.db`; its folder is created when missing. */
  file: string;
  /**
   * `normal` (default): in WAL mode a commit is written to the WAL before `publish` resolves, so it
   * survives `kill -9` of any process; only an OS crash or power loss may roll back the last commits
   * (never corrupting the file). `full` also fsyncs every commit: power-loss durable, about 20 % slower (see the bus bench).
   */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's write lock before `publish` says `retryable` (default 2000 ms). */
  busyTimeoutMs?: number;
  /** A group member that stops renewing loses the group after this (default 10 s). */
  leaseTtlMs?: number;
  /** Take over a lease at once when its holder ran on this host and its pid is gone (default true). */
  reclaimDeadHolders?: boolean;
  retention?: Partial<SqliteRetentionPolicy> & { intervalMs?: number };
  maxMessageBytes?: number;
  /**
   * Page cache of this process's connection, in KiB (default 16,000: consumers read back what was
   * written). A producer that only appends needs little: the collector asks for 512.
   */
  cacheKib?: number;
  logger?: BusLogger;
  now?: () => number;
}

export const SQLITE_BUS_DEFAULTS = {
  busyTimeoutMs: 2_000,
  leaseTtlMs: 10_000,
  cacheKib: 16_000,
  retention: { maxAgeMs: 7 * 24 * 3600_000, maxBytes: 1024 ** 3, intervalMs: 60_000 },
} as const;

function cacheKib(value: number | undefined): number {
  if (value === undefined) return SQLITE_BUS_DEFAULTS.cacheKib;
  if (!Number.isInteger(value) || value < 64) throw new RangeError(`sqlite bus cacheKib ${value}: must be a whole number of KiB, at least 64`);
  return value;
}

/**
 * The embedded bus: a durable append-only log in one SQLite file (WAL), shared by any number of
 * producer processes (collectors) and consumer groups (the detector, tools). One member per group is
 * active across processes, by a lease that a crashed member loses after `leaseTtlMs` (at once when the
 * dead process ran on this host). Consumers poll adaptively and are woken at once by publishes in the
 * same process. Retention runs in short transactions, in one process per interval.
 */
export class SqliteBus implements Bus {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly log: SqliteLog;
  private readonly retention: SqliteRetention;
  private readonly logger: BusLogger;
  private readonly now: () => number;
  private readonly leaseTtlMs: number;
  private readonly reclaimDeadHolders: boolean;
  readonly maxMessageBytes: number;
  private readonly wakeups = new Set<WakeupSignal>();
  private readonly consumers = new Set<PollingConsumer>();
  private readonly retentionTimer: NodeJS.Timeout | null;
  private retentionRun: Promise<RetentionReport> | null = null;
  private closed = false;

  constructor(options: SqliteBusOptions) {
    this.file = path.resolve(options.file);
    this.logger = options.logger ?? stderrBusLogger;
    this.now = options.now ?? Date.now;
    this.leaseTtlMs = options.leaseTtlMs ?? SQLITE_BUS_DEFAULTS.leaseTtlMs;
    this.reclaimDeadHolders = options.reclaimDeadHolders ?? true;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_BUS_DEFAULTS.busyTimeoutMs;
    this.db = new Database(this.file, { timeout: busyTimeoutMs });
    try {
      // Collectors open the file together when a client starts its servers (and after a kill -9 one of
      // them recovers the WAL): the set-up waits its turn instead of failing with SQLITE_BUSY.
      retryWhileBusy(() => {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
        // Bound the WAL file after checkpoints; the page cache serves the read path.
        this.db.pragma('journal_size_limit = 67108864');
        this.db.pragma(`cache_size = -${cacheKib(options.cacheKib)}`);
        migrateSqliteBus(this.db, this.file);
      }, busyTimeoutMs);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.log = new SqliteLog(this.db);
    const policy: SqliteRetentionPolicy = {
      maxAgeMs: limit(options.retention?.maxAgeMs, SQLITE_BUS_DEFAULTS.retention.maxAgeMs),
      maxBytes: limit(options.retention?.maxBytes, SQLITE_BUS_DEFAULTS.retention.maxBytes),
    };
    this.retention = new SqliteRetention(this.db, policy);
    const intervalMs = options.retention?.intervalMs ?? SQLITE_BUS_DEFAULTS.retention.intervalMs;
    this.retentionTimer = intervalMs > 0 && (Number.isFinite(policy.maxAgeMs) || Number.isFinite(policy.maxBytes)) ? setInterval(() => this.scheduledRetention(intervalMs), intervalMs) : null;
    this.retentionTimer?.unref();
  }

  producer(): BusProducer {
    return new SqliteProducer({
      log: this.log,
      now: this.now,
      maxMessageBytes: this.maxMessageBytes,
      isClosed: () => this.closed,
      published: () => {
        for (const wakeup of this.wakeups) wakeup.wake();
      },
    });
  }

  consumer(options: ConsumerOptions): BusConsumer {
    if (this.closed) throw new Error('the sqlite bus is closed');
    const resolved = resolveConsumerOptions(options);
    const holder: LeaseHolder = { owner: `${hostname()}:${process.pid}:${randomUUID()}`, host: hostname(), pid: process.pid };
    const cursor = resolved.ephemeral
      ? new SqliteEphemeralCursor(this.log, resolved.topic, resolved.fromBeginning, this.now)
      : new SqliteGroupCursor(this.log, resolved.group, resolved.topic, resolved.fromBeginning, {
          ttlMs: this.leaseTtlMs,
          holder,
          holderGone: (lease) => this.reclaimDeadHolders && lease.host === holder.host && lease.pid !== process.pid && !processRuns(lease.pid),
          now: this.now,
        });
    const timing = {
      heartbeatMs: Math.max(1, Math.floor(this.leaseTtlMs / 3)),
      standbyPollMs: Math.max(1, Math.min(1_000, Math.floor(this.leaseTtlMs / 4))),
      readErrorBackoffMs: 250,
    };
    const consumer = new PollingConsumer(cursor, resolved, timing, this.logger, this.wakeups);
    this.consumers.add(consumer);
    return consumer;
  }

  deadLetter(letter: Omit<DeadLetter, 'timestampMs'> & { timestampMs?: number }): Promise<void> {
    try {
      const now = this.now();
      this.log.addDeadLetter({ ...letter, timestampMs: letter.timestampMs ?? now }, now);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  deadLetterCount(topic: string): Promise<number> {
    return Promise.resolve(this.log.deadLetterCount(topic));
  }

  /** The newest dead letters of a topic, newest first (sqlite only: for tools and tests). */
  deadLetters(topic: string, limit = 100): DeadLetter[] {
    return this.log.deadLetters(topic, limit);
  }

  lag(group: string, topic: string): Promise<ConsumerLag> {
    return Promise.resolve(this.log.lag(group, topic, this.now()));
  }

  ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      const problem = topicNameProblem(topic);
      if (problem) return Promise.reject(new Error(problem));
      this.log.topicId(topic, this.now());
    }
    return Promise.resolve();
  }

  /** Runs retention now (whatever other processes did), in short transactions. */
  enforceRetention(): Promise<RetentionReport> {
    if (!this.retentionRun) {
      this.retentionRun = this.retention
        .enforce(this.now())
        .then((report) => {
          if (report.droppedUnconsumed > 0) {
            this.logger.warn(`bus size cap removed ${report.droppedUnconsumed} messages a consumer group had not consumed yet`, { file: this.file });
          }
          return report;
        })
        .finally(() => {
          this.retentionRun = null;
        });
    }
    return this.retentionRun;
  }

  /** Per-topic figures: offsets, retained messages and bytes, and what the size cap dropped unconsumed. */
  stats(): SqliteTopicStats[] {
    return this.log.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await Promise.all([...this.consumers].map((consumer) => consumer.retire()));
    await this.retentionRun?.catch(() => undefined);
    this.db.close();
  }

  private scheduledRetention(intervalMs: number): void {
    if (this.closed || this.retentionRun) return;
    try {
      if (!this.retention.claimRun(this.now(), intervalMs)) return;
    } catch {
      return; // busy: another process is writing; the next interval tries again
    }
    this.enforceRetention().catch((error: unknown) => this.logger.warn(`bus retention failed: ${String(error)}`, { file: this.file }));
  }
}

/** A limit from options: undefined → the default; 0, negative or Infinity → no limit. */
function limit(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return value > 0 ? value : Number.POSITIVE_INFINITY;
}
