import type { Metadata } from 'next';
import { Suspense } from 'react';
import { env } from '@/env';
import { parseIncidentFilters } from '@/lib/incident-filters';
import { parseQueuePosition } from '@/lib/queue-paging';
import { requireSession } from '@/lib/session';
import { LiveRefresh } from '@/ui/common/live-refresh';
import { IncidentQueue, IncidentQueueSkeleton } from '@/ui/incidents/incident-queue';
import { QueueFilters } from '@/ui/incidents/queue-filters';
import { StatusTabs, StatusTabsSkeleton } from '@/ui/incidents/status-tabs';

export const metadata: Metadata = { title: 'Incidents' };

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [session, search] = await Promise.all([requireSession(), searchParams]);
  const filters = parseIncidentFilters(search, Date.now(), session.name);
  const position = parseQueuePosition(search);
  const key = JSON.stringify([filters.params, position]);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Incidents</h1>
          <p>Alerts grouped by server, tool and session. Most severe and newest first.</p>
        </div>
        <div className="actions">
          <LiveRefresh seconds={env().PALISADE_DASHBOARD_REFRESH_SECONDS} />
        </div>
      </div>
      <Suspense fallback={<StatusTabsSkeleton params={filters.params} />}>
        <StatusTabs params={filters.params} />
      </Suspense>
      <QueueFilters key={key} params={filters.params} />
      <section className="card queue">
        <Suspense key={key} fallback={<IncidentQueueSkeleton />}>
          <IncidentQueue filters={filters} position={position} canTriage={session.can('triage')} me={session.name} />
        </Suspense>
      </section>
    </>
  );
}
