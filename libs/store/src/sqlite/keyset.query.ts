import type { Page } from '@palisade/schema';
import { chunks } from '../shared/chunks.js';
import { decodeCursor, encodeCursor, type CursorShape, type CursorValue } from '../shared/cursor.js';
import { pageLimit, toPage } from '../shared/paging.js';
import { rangeMs } from '../shared/time.js';
import type { SqliteContext } from './sqlite.context.js';

/** A list: its table, its sort key (columns, all descending, the last one unique) and the cursor tag. */
export interface KeysetList {
  list: string;
  table: string;
  keys: readonly { column: string; type: 'string' | 'number' }[];
}

/** A filter as SQL conditions (ANDed) and their parameters. */
export class SqlFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): this {
    this.where.push(condition);
    this.params.push(...params);
    return this;
  }

  /** Adds `column = value` when the value is given. */
  equals(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }

  /** Adds `[from, to)` on a millisecond column when either bound is given. */
  timeRange(column: string, range: { from?: string | undefined; to?: string | undefined }): this {
    const { fromMs, toMs } = rangeMs(range);
    if (fromMs !== undefined) this.add(`${column} >= ?`, fromMs);
    if (toMs !== undefined) this.add(`${column} < ?`, toMs);
    return this;
  }

  sql(): string {
    return this.where.length ? `WHERE ${this.where.join(' AND ')}` : '';
  }
}

/** `?, ?, ?` for a list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** The document of the row with this id, or null (also when it cannot be read back). */
export function docById<Item>(ctx: SqliteContext, table: string, id: string, decode: (doc: unknown) => Item | null): Item | null {
  const doc = ctx.pluck(`SELECT doc FROM ${table} WHERE id = ?`).get(id);
  return doc === undefined ? null : decode(doc);
}

/** The documents of the rows with these ids, in the order asked; ids not stored are left out. */
export function docsByIds<Item extends { id: string }>(ctx: SqliteContext, table: string, ids: readonly string[], decode: (doc: unknown) => Item | null): Item[] {
  const found = new Map<string, Item>();
  for (const chunk of chunks(ids, 500)) {
    for (const doc of ctx.pluck(`SELECT doc FROM ${table} WHERE id IN (${placeholders(chunk.length)})`).all(...chunk)) {
      const item = decode(doc);
      if (item) found.set(item.id, item);
    }
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** How a page is read: its cursor and size; a total already known; keys first, documents after. */
export interface PageOptions {
  cursor?: string | undefined;
  limit?: number | undefined;
  /** The count of everything matching, when the caller has a cheaper way to it. */
  total?: number;
  /**
   * Read the sort keys of the page first and the documents of those rows only: for filters the planner
   * answers from the rowid side (full-text matches), where sorting whole rows would move every document.
   */
  keysFirst?: boolean;
}

/** One page of a list, newest first: `limit + 1` rows after the cursor's key, and the total count. */
export function keysetPage<Item>(ctx: SqliteContext, spec: KeysetList, filter: SqlFilter, options: PageOptions, decode: (doc: unknown) => Item | null): Page<Item> {
  const limit = pageLimit(options.limit);
  const columns = spec.keys.map((key) => key.column);
  const shape: CursorShape = spec.keys.map((key) => key.type);
  const total = options.total ?? (ctx.statement(`SELECT count(*) AS n FROM ${spec.table} ${filter.sql()}`).get(...filter.params) as { n: number }).n;
  const paged = new SqlFilter().add(filter.where.join(' AND ') || '1', ...filter.params);
  if (options.cursor) {
    const after = decodeCursor(options.cursor, spec.list, shape);
    paged.add(`(${columns.join(', ')}) < (${columns.map(() => '?').join(', ')})`, ...after);
  }
  const order = columns.map((column) => `${column} DESC`).join(', ');
  const select = options.keysFirst ? 'rowid' : 'doc';
  const rows = ctx.statement(`SELECT ${columns.join(', ')}, ${select} FROM ${spec.table} ${paged.sql()} ORDER BY ${order} LIMIT ?`).all(...paged.params, limit + 1) as Record<string, unknown>[];
  if (options.keysFirst && rows.length > 0) {
    const rowids = rows.slice(0, limit).map((row) => row['rowid']);
    const docs = ctx.statement(`SELECT rowid, doc FROM ${spec.table} WHERE rowid IN (${placeholders(rowids.length)})`).all(...rowids) as { rowid: number; doc: string }[];
    const byRowid = new Map(docs.map((row) => [row.rowid, row.doc]));
    for (const row of rows) row['doc'] = byRowid.get(row['rowid'] as number);
  }
  return toPage(
    rows,
    limit,
    total,
    (row) => decode(row['doc']),
    (row) => encodeCursor(spec.list, columns.map((column) => row[column] as CursorValue)),
  );
}

/** Every row of a filter in ascending key order, `batchSize` at a time (exports). */
export async function* keysetScan<Item>(
  ctx: SqliteContext,
  spec: Omit<KeysetList, 'list'>,
  filter: SqlFilter,
  batchSize: number,
  decode: (doc: unknown) => Item | null,
): AsyncIterable<Item[]> {
  const columns = spec.keys.map((key) => key.column);
  const size = Math.max(1, Math.trunc(batchSize));
  let after: CursorValue[] | null = null;
  for (;;) {
    const paged = new SqlFilter().add(filter.where.join(' AND ') || '1', ...filter.params);
    if (after) paged.add(`(${columns.join(', ')}) > (${columns.map(() => '?').join(', ')})`, ...after);
    const rows = ctx.statement(`SELECT ${columns.join(', ')}, doc FROM ${spec.table} ${paged.sql()} ORDER BY ${columns.join(', ')} LIMIT ?`).all(...paged.params, size) as Record<string, unknown>[];
    const last = rows.at(-1);
    if (!last) return;
    const items = rows.map((row) => decode(row['doc'])).filter((item): item is Item => item !== null);
    if (items.length) yield items;
    if (rows.length < size) return;
    after = columns.map((column) => last[column] as CursorValue);
  }
}
