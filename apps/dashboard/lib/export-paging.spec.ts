import { describe, expect, it } from 'vitest';
import { EXPORT_LIST, exportsHref } from './export-paging';
import { type QueuePosition, nextPosition, parseQueuePosition, previousPosition, queueRange } from './queue-paging';

const FIRST: QueuePosition = { page: 1, back: [] };

function follow(href: string): QueuePosition {
  return parseQueuePosition(Object.fromEntries(new URL(href, 'http://dashboard').searchParams));
}

describe('paging through the bundles', () => {
  it('says which bundles a page shows, 20 a page', () => {
    expect(queueRange(FIRST, 20, 45, String, EXPORT_LIST)).toBe('1–20 of 45');
    expect(queueRange({ cursor: 'c2', page: 3, back: ['c1'] }, 5, 45, String, EXPORT_LIST)).toBe('41–45 of 45');
    expect(queueRange(FIRST, 0, 0, String, EXPORT_LIST)).toBe('0 bundles');
  });

  it('goes forward and back one page at a time through the exports URL, to /exports without parameters', () => {
    let position = FIRST;
    for (const cursor of ['c1', 'c2']) position = follow(exportsHref(nextPosition(position, cursor)));
    expect(position).toEqual({ cursor: 'c2', page: 3, back: ['c1'] });
    const back = previousPosition(position)!;
    expect(exportsHref(back)).toBe('/exports?cursor=c1&page=2');
    expect(exportsHref(previousPosition(follow(exportsHref(back)))!)).toBe('/exports');
  });
});
