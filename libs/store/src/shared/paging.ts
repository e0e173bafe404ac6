import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page } from '@palisade/schema';

/** The page size a query asks for, within the contract's bounds (default 50, at most 500). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * Builds a page from `limit + 1` rows fetched in list order: the extra row only says there is a next
 * page. The cursor is taken from the last raw row, so a row skipped while decoding never breaks paging.
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  total: number,
  decode: (row: Row) => Item | null,
  cursorOf: (row: Row) => string,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const items: Item[] = [];
  for (const row of pageRows) {
    const item = decode(row);
    if (item !== null) items.push(item);
  }
  const last = pageRows.at(-1);
  return rows.length > limit && last !== undefined ? { items, total, nextCursor: cursorOf(last) } : { items, total };
}
