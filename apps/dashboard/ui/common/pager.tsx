import Link from 'next/link';
import { type QueuePosition, type QueuePositionParams, nextPosition, previousPosition } from '@/lib/queue-paging';

/**
 * First page, Previous and Next for a list the detector pages with cursors, its way back carried in the
 * URL (`lib/queue-paging`). `href` turns a position into the list's URL, with its filters.
 */
export function Pager({ position, nextCursor, href }: { position: QueuePosition; nextCursor: string | undefined; href: (position: QueuePositionParams) => string }) {
  const previous = previousPosition(position);
  // "First page" when Previous does not already lead there.
  const showFirst = position.cursor !== undefined && !(previous && !previous.cursor);
  return (
    <span style={{ display: 'flex', gap: 8 }}>
      {showFirst ? (
        <Link className="btn small" href={href({})}>
          First page
        </Link>
      ) : null}
      {previous ? (
        <Link className="btn small" href={href(previous)} rel="prev">
          ← Previous
        </Link>
      ) : null}
      {nextCursor ? (
        <Link className="btn small" href={href(nextPosition(position, nextCursor))} rel="next">
          Next →
        </Link>
      ) : null}
    </span>
  );
}
