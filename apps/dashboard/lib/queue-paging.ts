/** Incidents per page of the queue. */
export const QUEUE_PAGE_SIZE = 50;

/**
 * Cursors kept for going back. A cursor is about 100 characters: with 16 a queue URL stays within the
 * 2,000 characters that sign-in keeps of the page to return to. Deeper, the oldest are dropped (the page
 * number stays right) and "First page" still reaches the start.
 */
export const MAX_BACK = 16;

/** The detector's cursors are opaque base64url; anything else in the URL is ignored. */
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * Where the analyst is in the queue (or in another paged list: the exports). The detector pages with keyset cursors (no offset, no way back), so
 * the queue's URL carries the way back itself: `cursor` (this page), `page` (its number, for the range
 * shown) and `back` (the cursors of the pages before it, oldest first). The first page has none of them.
 */
export interface QueuePosition {
  /** This page's cursor; undefined on the first page. */
  cursor?: string;
  /** This page's number (1 is the first); null when the URL does not say, as in a link older than `page`. */
  page: number | null;
  /** The cursors of the pages before this one, from page 2 on (page 1 has none), oldest first. */
  back: string[];
}

/** The URL parameters of a position (absent ones left out). */
export interface QueuePositionParams {
  cursor?: string;
  page?: string;
  back?: string;
}

type SearchParams = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value) || undefined;

/** The position in a queue URL; an invalid cursor means the first page, an invalid `page` or `back` is left out. */
export function parseQueuePosition(search: SearchParams): QueuePosition {
  const cursor = one(search.cursor);
  if (!cursor || !CURSOR.test(cursor)) return { page: 1, back: [] };
  const pageText = one(search.page);
  const page = pageText && /^\d{1,7}$/.test(pageText) && Number(pageText) >= 2 ? Number(pageText) : null;
  const listed = one(search.back)?.split(',') ?? [];
  let back = listed.length <= MAX_BACK && listed.every((c) => CURSOR.test(c)) ? listed : [];
  // Never more earlier cursors than there are earlier pages with one.
  if (page !== null) back = back.slice(back.length - Math.min(back.length, page - 2));
  return { cursor, page, back };
}

function params(cursor: string | undefined, page: number | null, back: string[]): QueuePositionParams {
  return { cursor, page: cursor && page !== null ? String(page) : undefined, back: cursor && back.length ? back.join(',') : undefined };
}

/** The URL parameters of this position itself (none on the first page): for links that stay on the page. */
export function positionParams(position: QueuePosition): QueuePositionParams {
  return params(position.cursor, position.page, position.back);
}

/** The page after this one, given the detector's `nextCursor`. */
export function nextPosition(position: QueuePosition, nextCursor: string): QueuePositionParams {
  const back = position.cursor ? [...position.back, position.cursor].slice(-MAX_BACK) : [];
  return params(nextCursor, position.page === null ? null : position.page + 1, back);
}

/**
 * The page before this one: the first page (no parameters) from page 2, the last `back` cursor further
 * on; null on the first page, and when the way back is not in the URL (dropped, or an older link).
 */
export function previousPosition(position: QueuePosition): QueuePositionParams | null {
  if (!position.cursor) return null;
  const last = position.back.at(-1);
  if (last) return params(last, position.page === null ? null : position.page - 1, position.back.slice(0, -1));
  return position.page === 2 ? {} : null;
}

/** A paged list other than the queue: how many a page holds and what its items are called. */
export interface PagedList {
  pageSize: number;
  /** The items, plural (`0 bundles`). */
  noun: string;
}

const INCIDENT_QUEUE: PagedList = { pageSize: QUEUE_PAGE_SIZE, noun: 'incidents' };

/** What the page shows: `51–57 of 57`; `7 shown of 57` when the page number is unknown; `0 incidents`. */
export function queueRange(position: QueuePosition, shown: number, total: number, format: (n: number) => string = String, list: PagedList = INCIDENT_QUEUE): string {
  if (shown === 0) return `${format(total)} ${list.noun}`;
  if (position.page === null) return `${format(shown)} shown of ${format(total)}`;
  const start = (position.page - 1) * list.pageSize + 1;
  return `${format(start)}–${format(start + shown - 1)} of ${format(total)}`;
}
