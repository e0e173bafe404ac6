import type { Metadata } from 'next';
import { Suspense } from 'react';
import { parseQueuePosition } from '@/lib/queue-paging';
import { requireSession } from '@/lib/session';
import { TableSkeleton } from '@/ui/common/skeletons';
import { ExportForm } from '@/ui/exports/export-form';
import { ExportList } from '@/ui/exports/export-list';

export const metadata: Metadata = { title: 'Exports' };

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export default async function ExportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [session, search] = await Promise.all([requireSession(), searchParams]);
  const position = parseQueuePosition(search);
  const now = Date.now();
  if (!session.can('export')) {
    return <div className="notice">Your role cannot create or download compliance bundles.</div>;
  }
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Compliance exports</h1>
          <p>Tamper-evident bundles of what Palisade saw and did, for auditors and long-term retention.</p>
        </div>
      </div>
      <section className="card" style={{ marginBottom: 14 }}>
        <div className="card-head">
          <h2>New bundle</h2>
        </div>
        <ExportForm defaultFrom={minute(now - 86_400_000)} defaultTo={minute(now + 60_000)} />
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Bundles</h2>
        </div>
        <Suspense key={JSON.stringify(position)} fallback={<TableSkeleton rows={4} columns={8} />}>
          <ExportList position={position} />
        </Suspense>
      </section>
    </>
  );
}
