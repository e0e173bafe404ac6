import type { Metadata } from 'next';
import { Suspense } from 'react';
import { requireSession } from '@/lib/session';
import { TableSkeleton } from '@/ui/common/skeletons';
import { RuleTable } from '@/ui/rules/rule-table';

export const metadata: Metadata = { title: 'Rules' };

export default async function RulesPage() {
  const session = await requireSession();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Correlation rules</h1>
          <p>Rules over sequences and thresholds of events, from the rule pack. Hits count the alerts each rule raised; a rule with a suppression window raises one alert per group per window and counts the firings it suppressed.</p>
        </div>
      </div>
      <section className="card">
        <Suspense fallback={<TableSkeleton rows={8} columns={6} rowHeight={64} />}>
          <RuleTable canChange={session.can('triage')} />
        </Suspense>
      </section>
    </>
  );
}
