import { describe, expect, it } from 'vitest';
import { incidentsHref } from './incident-filters';
import { MAX_BACK, type QueuePosition, nextPosition, parseQueuePosition, positionParams, previousPosition, queueRange } from './queue-paging';

const FIRST: QueuePosition = { page: 1, back: [] };

/** Follows a link: its URL's parameters read back as the next page would read them. */
function follow(href: string): QueuePosition {
  return parseQueuePosition(Object.fromEntries(new URL(href, 'http://dashboard').searchParams));
}

describe('queue paging', () => {
  it('says which incidents a page shows: 1–50, 51–57 of 57', () => {
    expect(queueRange(FIRST, 50, 57)).toBe('1–50 of 57');
    expect(queueRange({ cursor: 'c1', page: 2, back: [] }, 7, 57)).toBe('51–57 of 57');
    expect(queueRange({ cursor: 'c2', page: 3, back: ['c1'] }, 50, 12_345, (n) => n.toLocaleString('en-US'))).toBe('101–150 of 12,345');
    expect(queueRange(FIRST, 0, 0)).toBe('0 incidents');
  });

  it('goes forward and back one page at a time through the URL, to the first page without parameters', () => {
    const params = { status: 'open' as const, server: 'bulk' };
    let position = FIRST;
    const seen: string[] = [];
    for (const cursor of ['c1', 'c2', 'c3']) {
      position = follow(incidentsHref(params, nextPosition(position, cursor)));
      seen.push(queueRange(position, 50, 200));
    }
    expect(seen).toEqual(['51–100 of 200', '101–150 of 200', '151–200 of 200']);
    expect(position).toEqual({ cursor: 'c3', page: 4, back: ['c1', 'c2'] });

    const hrefs: string[] = [];
    for (let previous = previousPosition(position); previous; previous = previousPosition(position)) {
      hrefs.push(incidentsHref(params, previous));
      position = follow(hrefs.at(-1)!);
    }
    expect(hrefs).toEqual(['/incidents?server=bulk&cursor=c2&page=3&back=c1', '/incidents?server=bulk&cursor=c1&page=2', '/incidents?server=bulk']);
    expect(position).toEqual(FIRST);
  });

  it('gives the parameters of the page itself, for links that stay on it (a tool’s versions), none on the first page', () => {
    expect(positionParams(FIRST)).toEqual({ cursor: undefined, page: undefined, back: undefined });
    const third: QueuePosition = { cursor: 'c2', page: 3, back: ['c1'] };
    expect(positionParams(third)).toEqual({ cursor: 'c2', page: '3', back: 'c1' });
    expect(follow(incidentsHref({}, positionParams(third)))).toEqual(third);
    expect(queueRange(third, 10, 110, String, { pageSize: 50, noun: 'versions' })).toBe('101–110 of 110');
  });

  it('keeps at most MAX_BACK cursors: deep pages still go back that far, then only to the first page', () => {
    let position = FIRST;
    for (let i = 1; i <= MAX_BACK + 5; i += 1) position = follow(incidentsHref({}, nextPosition(position, `c${i}`)));
    expect(position.page).toBe(MAX_BACK + 6);
    expect(position.back).toHaveLength(MAX_BACK);
    let steps = 0;
    for (let previous = previousPosition(position); previous; previous = previousPosition(position)) {
      position = follow(incidentsHref({}, previous));
      steps += 1;
    }
    expect(steps).toBe(MAX_BACK);
    expect(position).toMatchObject({ cursor: 'c5', page: 6, back: [] });
  });

  it('ignores what is not a cursor, and does not guess a page number the URL does not give', () => {
    expect(parseQueuePosition({ cursor: '../etc', page: '3', back: 'c1' })).toEqual(FIRST);
    expect(parseQueuePosition({ cursor: 'c2', page: '3', back: 'c1,<script>' })).toEqual({ cursor: 'c2', page: 3, back: [] });
    expect(parseQueuePosition({ cursor: 'c2', page: '2', back: 'c0,c1' })).toEqual({ cursor: 'c2', page: 2, back: [] });
    expect(parseQueuePosition({ cursor: 'c2', page: ['3', '9'], back: ['c1'] })).toEqual({ cursor: 'c2', page: 3, back: ['c1'] });

    // A link without `page` (from before it existed): no range, no way back but the first page.
    const old = parseQueuePosition({ cursor: 'c2' });
    expect(old).toEqual({ cursor: 'c2', page: null, back: [] });
    expect(queueRange(old, 7, 57)).toBe('7 shown of 57');
    expect(previousPosition(old)).toBeNull();
    expect(nextPosition(old, 'c3')).toEqual({ cursor: 'c3', page: undefined, back: 'c2' });
  });
});
