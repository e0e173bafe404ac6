import Link from 'next/link';
import { incidentCounts } from '@/lib/data';
import { type IncidentFilterParams, incidentsHref } from '@/lib/incident-filters';
import { formatNumber } from '@/lib/format';
import { STATUSES, STATUS_LABELS } from '@/lib/vocabulary';

const TABS = [...STATUSES, 'all'] as const;

function Tabs({ params, counts }: { params: IncidentFilterParams; counts: Record<string, number> | null }) {
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : null;
  return (
    <nav className="tabs" aria-label="Incidents by status">
      {TABS.map((status) => {
        const n = status === 'all' ? total : (counts?.[status] ?? null);
        return (
          <Link key={status} href={incidentsHref(params, { status, cursor: undefined })} aria-current={params.status === status ? 'page' : undefined} data-status-tab={status}>
            {status === 'all' ? 'All' : STATUS_LABELS[status]}
            <span className="n">{n === null ? '–' : formatNumber(n)}</span>
          </Link>
        );
      })}
    </nav>
  );
}

/** Counts per status (all incidents, whatever the other filters), as tabs that filter the queue. */
export async function StatusTabs({ params }: { params: IncidentFilterParams }) {
  const counts = await incidentCounts().catch(() => null);
  return <Tabs params={params} counts={counts} />;
}

export function StatusTabsSkeleton({ params }: { params: IncidentFilterParams }) {
  return <Tabs params={params} counts={null} />;
}
