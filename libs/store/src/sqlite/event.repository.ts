import type { EventQuery, Page, TelemetryEvent } from '@palisade/schema';
import { chunks } from '../shared/chunks.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { parseTextQuery } from '../shared/text-query.js';
import { instantMs } from '../shared/time.js';
import type { EventRepository, TimeRange } from '../store.port.js';
import { eventRows, type EventRow } from './event-row.js';
import { ftsMatchExpression } from './fts.query.js';
import { docById, docsByIds, keysetPage, keysetScan, placeholders, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const EVENTS: KeysetList = {
  list: 'events',
  table: 'events',
  keys: [
    { column: 'ts_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
};
const isEvent = hasStringKeys('id', 'ts', 'mcp.method.name');
/** Rows deleted per transaction by retention, so the pipeline's writes are never held up for long. */
const DELETE_CHUNK = 2000;
/** Above this many full-text matches, a page is found by walking the time index rather than the matches. */
const MANY_MATCHES = 20_000;
/** Bound on host parameters per statement. */
const IDS_PER_QUERY = 500;

export class SqliteEventRepository implements EventRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async filterNew(ids: readonly string[]): Promise<Set<string>> {
    const fresh = new Set(ids);
    for (const chunk of chunks(ids, IDS_PER_QUERY)) {
      const rows = this.ctx.pluck(`SELECT id FROM events WHERE id IN (${placeholders(chunk.length)})`).all(...chunk) as string[];
      for (const id of rows) fresh.delete(id);
    }
    return fresh;
  }

  async insertMany(events: readonly TelemetryEvent[]): Promise<number> {
    return this.ctx.write(() => this.insertManyNow(events));
  }

  /** Inserts the events that are new, with their full-text entries; the caller holds the transaction. */
  insertManyNow(events: readonly TelemetryEvent[]): number {
    return this.insertRowsNow(eventRows(events, this.ctx.eventTextChars));
  }

  /** `insertManyNow` for rows prepared by `eventRow` (on another thread); the caller holds the transaction. */
  insertRowsNow(rows: readonly EventRow[]): number {
    const insert = this.ctx.statement(
      'INSERT INTO events (id, ts_ms, server, tool, session, method, outcome, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    const index = this.ctx.statement('INSERT INTO events_fts (rowid, body) VALUES (?, ?)');
    let inserted = 0;
    for (const row of rows) {
      const result = insert.run(row.id, row.tsMs, row.server, row.tool, row.session, row.method, row.outcome, row.doc);
      if (result.changes === 0) continue;
      inserted += 1;
      if (row.text) index.run(result.lastInsertRowid, row.text);
    }
    return inserted;
  }

  async get(id: string): Promise<TelemetryEvent | null> {
    return docById(this.ctx, 'events', id, (doc) => this.decode(doc));
  }

  async getMany(ids: readonly string[]): Promise<TelemetryEvent[]> {
    return docsByIds(this.ctx, 'events', ids, (doc) => this.decode(doc));
  }

  async search(query: EventQuery): Promise<Page<TelemetryEvent>> {
    const filter = this.filter(query);
    const terms = parseTextQuery(query.q);
    if (terms.length === 0) return keysetPage(this.ctx, EVENTS, filter, query, (doc) => this.decode(doc));
    // Full text: the index says how many events match (one text row per event). Few matches: fetch
    // them and sort their keys. Many: walk the time (or filter) index newest first and keep those that
    // match (`+rowid` stops the planner from driving the query by the matches).
    const match = ftsMatchExpression(terms);
    const matches = this.ctx.pluck('SELECT count(*) FROM events_fts WHERE events_fts MATCH ?').get(match) as number;
    const unfiltered = filter.where.length === 0;
    filter.add(`${matches > MANY_MATCHES ? '+rowid' : 'rowid'} IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)`, match);
    return keysetPage(this.ctx, EVENTS, filter, { cursor: query.cursor, limit: query.limit, keysFirst: true, ...(unfiltered ? { total: matches } : {}) }, (doc) => this.decode(doc));
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<TelemetryEvent[]> {
    return keysetScan(this.ctx, EVENTS, this.filter(range), batchSize, (doc) => this.decode(doc));
  }

  async deleteBefore(ts: string): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    const select = this.ctx.pluck('SELECT rowid FROM events WHERE ts_ms < ? ORDER BY ts_ms LIMIT ?');
    let deleted = 0;
    for (;;) {
      const removed = this.ctx.write(() => {
        const rowids = select.all(before, DELETE_CHUNK) as number[];
        if (rowids.length === 0) return 0;
        const list = placeholders(rowids.length);
        this.ctx.statement(`DELETE FROM events_fts WHERE rowid IN (${list})`).run(...rowids);
        return this.ctx.statement(`DELETE FROM events WHERE rowid IN (${list})`).run(...rowids).changes;
      });
      deleted += removed;
      if (removed < DELETE_CHUNK) return deleted;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async count(): Promise<number> {
    return this.ctx.pluck('SELECT count(*) FROM events').get() as number;
  }

  private filter(query: Partial<EventQuery>): SqlFilter {
    return new SqlFilter()
      .equals('server', query.server)
      .equals('tool', query.tool)
      .equals('session', query.session)
      .equals('method', query.method)
      .timeRange('ts_ms', query);
  }

  private decode(doc: unknown): TelemetryEvent | null {
    return this.ctx.rows.parse<TelemetryEvent>(doc, isEvent);
  }
}
