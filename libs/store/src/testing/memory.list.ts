import type { Page } from '@palisade/schema';
import { decodeCursor, encodeCursor, type CursorShape, type CursorValue } from '../shared/cursor.js';
import { pageLimit, toPage } from '../shared/paging.js';
import type { TextTerm } from '../shared/text-query.js';
import { jsonCopy } from './memory.state.js';

/** Compares sort keys as the other adapters do: element by element, numbers numerically, strings by code unit. */
export function compareKeys(a: readonly CursorValue[], b: readonly CursorValue[]): number {
  for (const [index, x] of a.entries()) {
    const y = b[index];
    if (y === undefined) return 1;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length;
}

/** One page of a list, newest (largest key) first, after the cursor. */
export function memoryPage<Row, Item>(
  rows: Iterable<Row>,
  list: string,
  shape: CursorShape,
  key: (row: Row) => CursorValue[],
  query: { cursor?: string | undefined; limit?: number | undefined },
  item: (row: Row) => Item,
): Page<Item> {
  const limit = pageLimit(query.limit);
  const sorted = [...rows].map((row) => ({ row, key: key(row) })).sort((a, b) => compareKeys(b.key, a.key));
  let after = sorted;
  if (query.cursor) {
    const last = decodeCursor(query.cursor, list, shape);
    after = sorted.filter((entry) => compareKeys(entry.key, last) < 0);
  }
  return toPage(after.slice(0, limit + 1), limit, sorted.length, (entry) => item(entry.row), (entry) => encodeCursor(list, entry.key));
}

/** Every term's words appear, in order and next to each other, in the text's words (the last one as a prefix when asked). */
export function matchesText(words: readonly string[], terms: readonly TextTerm[]): boolean {
  return terms.every((term) => {
    const n = term.words.length;
    for (let start = 0; start + n <= words.length; start += 1) {
      const ok = term.words.every((wanted, offset) => {
        const word = words[start + offset] ?? '';
        return term.prefix && offset === n - 1 ? word.startsWith(wanted) : word === wanted;
      });
      if (ok) return true;
    }
    return false;
  });
}

/** Rows in ascending key order, `batchSize` at a time (exports). */
export async function* scanAscending<Row, Item>(rows: readonly Row[], key: (row: Row) => CursorValue[], batchSize: number, item: (row: Row) => Item): AsyncIterable<Item[]> {
  const sorted = rows.map((row) => ({ row, key: key(row) })).sort((a, b) => compareKeys(a.key, b.key));
  const size = Math.max(1, Math.trunc(batchSize));
  for (let start = 0; start < sorted.length; start += size) yield sorted.slice(start, start + size).map((entry) => item(entry.row));
}

/** Deletes the entries a predicate picks; returns how many. */
export function deleteWhere<K, V>(map: Map<K, V>, pick: (value: V) => boolean): number {
  let deleted = 0;
  for (const [key, value] of map) {
    if (pick(value)) {
      map.delete(key);
      deleted += 1;
    }
  }
  return deleted;
}

/** Copies of the stored values with these ids, in the order asked; ids not stored are left out. */
export function pickByIds<Row, Item>(map: ReadonlyMap<string, Row>, ids: readonly string[], item: (row: Row) => Item): Item[] {
  return ids.flatMap((id) => {
    const row = map.get(id);
    return row === undefined ? [] : [jsonCopy(item(row))];
  });
}
