import type { PagedList, QueuePositionParams } from './queue-paging';

/** The bundles list: 20 a page (a row is a whole bundle, and an auditor looks for one by its range). */
export const EXPORT_LIST: PagedList = { pageSize: 20, noun: 'bundles' };

/** The exports page at a position of its list (the first page without parameters). */
export function exportsHref(position: QueuePositionParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(position)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `/exports?${text}` : '/exports';
}
