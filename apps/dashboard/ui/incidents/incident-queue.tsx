import { attempt } from '@/lib/attempt';
import { listIncidents } from '@/lib/data';
import { formatInstant, formatNumber, relativeTime } from '@/lib/format';
import { type IncidentFilters, incidentsHref } from '@/lib/incident-filters';
import { type QueuePosition, queueRange } from '@/lib/queue-paging';
import { CATEGORY_LABELS } from '@/lib/vocabulary';
import { ApiProblem } from '../common/api-problem';
import { Pager } from '../common/pager';
import { TableSkeleton } from '../common/skeletons';
import { type QueueRow, QueueTable } from './queue-table';

/** One page of the queue for the filters, streamed into its Suspense boundary. */
export async function IncidentQueue({ filters, position, canTriage, me }: { filters: IncidentFilters; position: QueuePosition; canTriage: boolean; me: string }) {
  const result = await attempt(listIncidents(filters, position.cursor));
  if (!result.ok) return <ApiProblem error={result.error} what="the incidents" />;
  const page = result.value;
  const now = Date.now();
  const rows: QueueRow[] = page.items.map((i) => ({
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    target: i.tool ? `${i.server}/${i.tool}` : i.server,
    categories: i.categories,
    assignee: i.assignee,
    alertCount: i.alertCount,
    lastSeen: formatInstant(i.lastSeen),
    lastSeenIso: i.lastSeen,
    lastSeenRelative: relativeTime(i.lastSeen, now),
  }));
  return (
    <>
      {rows.length === 0 ? (
        <div className="empty">No incidents match these filters.</div>
      ) : (
        <QueueTable rows={rows} canTriage={canTriage} me={me} categoryLabels={CATEGORY_LABELS} />
      )}
      <div className="queue-foot">
        <span className="muted" data-testid="queue-total">
          {queueRange(position, rows.length, page.total, formatNumber)}
        </span>
        <span className="hint">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select · <kbd>/</kbd> search
        </span>
        <Pager position={position} nextCursor={page.nextCursor} href={(at) => incidentsHref(filters.params, at)} />
      </div>
    </>
  );
}

export function IncidentQueueSkeleton() {
  return (
    <>
      <TableSkeleton rows={10} columns={7} />
      <div className="queue-foot">
        <span className="muted">Loading…</span>
      </div>
    </>
  );
}
