import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { env } from '@/env';
import { printableText, severityRank } from '@palisade/schema';
import { attempt } from '@/lib/attempt';
import { getIncident } from '@/lib/data';
import { formatDuration, formatInstant } from '@/lib/format';
import { requireSession } from '@/lib/session';
import { toolHref } from '@/lib/tool-links';
import { ApiProblem } from '@/ui/common/api-problem';
import { CategoryChip, SeverityBadge, StatusBadge } from '@/ui/common/badges';
import { LiveRefresh } from '@/ui/common/live-refresh';
import { CardSkeleton } from '@/ui/common/skeletons';
import { SafeText } from '@/ui/common/rich-text';
import { Time } from '@/ui/common/time';
import { ContainmentActions, IncidentActivity } from '@/ui/incidents/incident-widgets';
import { EvidenceView } from '@/ui/incidents/evidence';
import { IncidentActions } from '@/ui/incidents/incident-actions';
import { SessionTimeline } from '@/ui/incidents/session-timeline';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Incident ${id.slice(0, 16)}` };
}

// No loading.tsx here: its Suspense boundary started the response (status 200) before the incident was
// read, so an unknown one showed "Not found" with a 200. The incident is read before anything streams;
// only the widgets below wait in their own boundaries.
export default async function IncidentPage({ params }: Props) {
  const [{ id }, session] = await Promise.all([params, requireSession()]);
  const result = await attempt(getIncident(id));
  if (!result.ok) {
    if (result.error.status === 404) notFound();
    return <ApiProblem error={result.error} what="this incident" />;
  }
  const incident = result.value;
  const now = Date.now();
  const flagged = new Set(incident.alerts.flatMap((a) => a.eventIds));
  const alerts = [...incident.alerts].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.ts.localeCompare(a.ts));
  const toolPage = incident.tool ? toolHref(incident.server, incident.tool) : null;
  const canTriage = session.can('triage');
  return (
    <>
      <div className="crumbs">
        <Link href="/incidents">Incidents</Link> <span>/</span> <span className="mono">{incident.id}</span>
      </div>
      <div className="page-head">
        <div style={{ minWidth: 0 }}>
          <div className="incident-title">
            <SeverityBadge severity={incident.severity} />
            <h1 data-testid="incident-title">
              <SafeText inline text={incident.title} />
            </h1>
            <StatusBadge status={incident.status} />
          </div>
          <div className="meta">
            <span>
              {toolPage ? (
                <Link href={toolPage} className="mono">
                  <SafeText inline text={`${incident.server}/${incident.tool}`} />
                </Link>
              ) : (
                <span className="mono">
                  <SafeText inline text={incident.server} />
                </span>
              )}
            </span>
            <span>
              {incident.alertCount} alert{incident.alertCount === 1 ? '' : 's'}
            </span>
            <span title={`${formatInstant(incident.firstSeen)} → ${formatInstant(incident.lastSeen)}`}>
              <Time iso={incident.firstSeen} now={now} /> → <Time iso={incident.lastSeen} now={now} /> ({formatDuration(Date.parse(incident.lastSeen) - Date.parse(incident.firstSeen))})
            </span>
            <span>Assignee: {incident.assignee ?? <span className="muted">nobody</span>}</span>
          </div>
        </div>
        <div className="actions">
          <LiveRefresh seconds={env().PALISADE_DASHBOARD_REFRESH_SECONDS} />
        </div>
      </div>

      {canTriage ? (
        <div className="card actionbar" role="toolbar" aria-label="Incident actions">
          <IncidentActions id={incident.id} title={printableText(incident.title)} status={incident.status} me={session.name} />
          {incident.tool ? (
            <>
              <span className="sep" aria-hidden="true" />
              <Suspense fallback={<span className="muted">Loading tool state…</span>}>
                <ContainmentActions server={incident.server} tool={incident.tool} incidentId={incident.id} />
              </Suspense>
            </>
          ) : null}
        </div>
      ) : null}

      <div className="grid-2">
        <div className="stack">
          <section className="card" aria-labelledby="alerts-h">
            <div className="card-head">
              <h2 id="alerts-h">Alerts and evidence</h2>
              <span className="muted">{alerts.length === incident.alertCount ? `${alerts.length} alerts` : `${alerts.length} of ${incident.alertCount} alerts`}, most severe first</span>
            </div>
            {alerts.map((alert) => (
              <article className="alert-item" key={alert.id} data-testid="alert" data-category={alert.category}>
                <div className="alert-head">
                  <SeverityBadge severity={alert.severity} />
                  <h3>
                    <SafeText inline text={alert.title} />
                  </h3>
                  <CategoryChip category={alert.category} />
                  <span className="muted nowrap">
                    <Time iso={alert.ts} now={now} />
                  </span>
                </div>
                <EvidenceView evidence={alert.evidence} />
              </article>
            ))}
          </section>
          <section className="card" aria-labelledby="timeline-h">
            <div className="card-head">
              <div>
                <h2 id="timeline-h">Session timeline</h2>
                <p>
                  MCP calls of session <span className="mono">{incident.sessionId ? <SafeText inline text={incident.sessionId} /> : '–'}</span> around the incident; calls behind alerts are marked.
                </p>
              </div>
              <span className="muted">{incident.session.length} calls</span>
            </div>
            <SessionTimeline events={incident.session.length ? incident.session : incident.events} flagged={flagged} />
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="details-h">
            <div className="card-head">
              <h2 id="details-h">Details</h2>
            </div>
            <div className="card-body">
              <dl className="kv">
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={incident.status} />
                </dd>
                {incident.disposition ? (
                  <>
                    <dt>Disposition</dt>
                    <dd>{incident.disposition}</dd>
                  </>
                ) : null}
                <dt>Categories</dt>
                <dd className="chips">
                  {incident.categories.map((c) => (
                    <CategoryChip key={c} category={c} />
                  ))}
                </dd>
                <dt>Server</dt>
                <dd className="mono">
                  <SafeText inline text={incident.server} />
                </dd>
                <dt>Tool</dt>
                <dd className="mono">{incident.tool ? <SafeText inline text={incident.tool} /> : '–'}</dd>
                <dt>Session</dt>
                <dd className="mono">{incident.sessionId ? <SafeText inline text={incident.sessionId} /> : '–'}</dd>
                <dt>Opened</dt>
                <dd>{formatInstant(incident.createdAt)}</dd>
                <dt>Updated</dt>
                <dd>{formatInstant(incident.updatedAt)}</dd>
              </dl>
            </div>
          </section>
          <section className="card" aria-labelledby="activity-h">
            <div className="card-head">
              <h2 id="activity-h">Notes and activity</h2>
            </div>
            <Suspense fallback={<CardSkeleton height={80} />}>
              <IncidentActivity incident={incident} now={now} />
            </Suspense>
          </section>
        </div>
      </div>
    </>
  );
}
