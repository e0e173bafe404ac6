import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { retryWhileBusy } from '@palisade/schema';
import { DEFAULT_EVENT_TEXT_CHARS } from '../shared/event-text.js';
import { MalformedRowCounter } from '../shared/malformed-row.counter.js';
import { applyBatch } from '../shared/store-batch.js';
import { type BatchWriter, inlineBatchWriter, type Store, type StoreBatch, type StoreBatchResult, type StoreStats } from '../store.port.js';
import { SqliteAlertRepository } from './alert.repository.js';
import { SqliteAuditRepository } from './audit.repository.js';
import { SqliteBaselineRepository } from './baseline.repository.js';
import { SqliteEngineStateRepository } from './engine-state.repository.js';
import { SqliteEventRepository } from './event.repository.js';
import { SqliteExportRepository } from './export.repository.js';
import { SqliteIncidentRepository } from './incident.repository.js';
import { SqliteOutboxRepository } from './outbox.repository.js';
import { SqliteSettingsRepository } from './settings.repository.js';
import { SqliteContext } from './sqlite.context.js';
import { migrate } from './sqlite.migrations.js';
import { SqliteTokenRepository } from './token.repository.js';
import { SqliteToolRepository } from './tool.repository.js';
import { eventRows, type EventRow } from './event-row.js';
import { SqliteThreadedWriter } from './sqlite-threaded.writer.js';

export interface SqliteStoreOptions {
  /** The database file (`PALISADE_HOME/store.db`); its folder is created when missing. */
  file: string;
  /** Characters of one event's text that go into the full-text index (default 16,384). */
  eventTextChars?: number;
  /** How long a writer waits for another process's write lock before failing (default 15 s). */
  busyTimeoutMs?: number;
  /**
   * `normal` (default): with WAL, a committed batch survives any process crash (`kill -9`); an OS crash
   * or power loss may lose the last commits but never corrupts the file. `full`: survives power loss too,
   * at the price of an fsync per commit.
   */
  synchronous?: 'normal' | 'full';
  /**
   * WAL size after which a commit of this connection checkpoints (default 32 MB). The pipeline's writer
   * thread raises it to a safety cap: a background thread checkpoints for it.
   */
  walAutocheckpointBytes?: number;
}

/**
 * The embedded store: one SQLite file in WAL mode (readers never block the writer), schema migrations
 * on open, FTS5 for full-text search, every write in an IMMEDIATE transaction so several processes
 * (detector API and worker) can share the file.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly events: SqliteEventRepository;
  readonly alerts: SqliteAlertRepository;
  readonly incidents: SqliteIncidentRepository;
  readonly tools: SqliteToolRepository;
  readonly baselines: SqliteBaselineRepository;
  readonly engineState: SqliteEngineStateRepository;
  readonly audit: SqliteAuditRepository;
  readonly outbox: SqliteOutboxRepository;
  readonly tokens: SqliteTokenRepository;
  readonly exports: SqliteExportRepository;
  readonly settings: SqliteSettingsRepository;
  private readonly ctx: SqliteContext;
  private readonly rows = new MalformedRowCounter();

  private constructor(
    private readonly db: Database.Database,
    eventTextChars: number,
    private readonly options: SqliteStoreOptions,
  ) {
    this.ctx = new SqliteContext(db, this.rows, eventTextChars);
    this.events = new SqliteEventRepository(this.ctx);
    this.alerts = new SqliteAlertRepository(this.ctx);
    this.incidents = new SqliteIncidentRepository(this.ctx);
    this.tools = new SqliteToolRepository(this.ctx);
    this.baselines = new SqliteBaselineRepository(this.ctx);
    this.engineState = new SqliteEngineStateRepository(this.ctx);
    this.audit = new SqliteAuditRepository(this.ctx);
    this.outbox = new SqliteOutboxRepository(this.ctx);
    this.tokens = new SqliteTokenRepository(this.ctx);
    this.exports = new SqliteExportRepository(this.ctx);
    this.settings = new SqliteSettingsRepository(this.ctx);
  }

  /** Opens (creating when missing) and migrates the database. */
  static open(options: SqliteStoreOptions): SqliteStore {
    mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 15_000;
    const db = new Database(options.file, { timeout: busyTimeoutMs });
    try {
      retryWhileBusy(() => SqliteStore.setUp(db, options), busyTimeoutMs);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, options.eventTextChars ?? DEFAULT_EVENT_TEXT_CHARS, options);
  }

  /**
   * Pragmas and migrations of a new connection. Retried while SQLite answers SQLITE_BUSY: the writer
   * and checkpointer threads open their connections beside the main one, and the set-up of one can meet
   * another's at once, which the busy timeout does not always cover.
   */
  private static setUp(db: Database.Database, options: SqliteStoreOptions): void {
    // 16 KB pages for a new file (a no-op on an existing one): fuller pages for ~1.5 KB event documents
    // and their indexes. Store bench: 2,059 bytes per event on disk instead of 2,453, insert rate the
    // same within noise (+9% for the writer thread alone, whose commits no longer checkpoint).
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32768');
    // Checkpoint every ~32 MB of WAL rather than 4 MB: index pages rewritten by every batch are copied
    // to the database file less often (about +15% insert rate); the WAL file is trimmed back to 64 MB.
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round((options.walAutocheckpointBytes ?? 32 * 1024 * 1024) / pageSize))}`);
    db.pragma('journal_size_limit = 67108864');
    migrate(db);
  }

  async writeBatch(batch: StoreBatch): Promise<StoreBatchResult> {
    const { events = [], eventDocuments, ...rest } = batch;
    return this.writePreparedBatch(rest, eventRows(events, this.ctx.eventTextChars, eventDocuments));
  }

  /**
   * `writeBatch` with the batch's events already turned into rows (`eventRow`, possibly on another
   * thread), in one transaction: the events first, then the rest of the batch.
   */
  async writePreparedBatch(batch: Omit<StoreBatch, 'events'>, eventRows: readonly EventRow[]): Promise<StoreBatchResult> {
    return this.ctx.write(() => {
      const eventsInserted = eventRows.length ? this.events.insertRowsNow(eventRows) : 0;
      return { ...applyBatch(batch, this), eventsInserted };
    });
  }

  /**
   * A writer on its own connection in a worker thread (so a pipeline overlaps analysis and writes), or
   * an inline writer on this connection when the worker script is not available (running from sources).
   */
  async batchWriter(): Promise<BatchWriter> {
    return (await SqliteThreadedWriter.start(this.options)) ?? inlineBatchWriter(this);
  }

  stats(): StoreStats {
    return { malformedRowsSkipped: this.rows.count, documentsKeptAside: 0 };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
