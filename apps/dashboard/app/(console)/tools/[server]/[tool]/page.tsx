import type { Metadata } from 'next';
import { printableText } from '@palisade/schema/printable-text';
import Link from 'next/link';
import { Suspense } from 'react';
import { definitionText } from '@/lib/definition-text';
import { formatInstant, formatNumber, shortHash } from '@/lib/format';
import { requireSession } from '@/lib/session';
import { toolHref } from '@/lib/tool-links';
import { type ToolRouteProps, namedTool, toolFromRoute } from '@/lib/tool-route';
import { categoryLabel } from '@/lib/vocabulary';
import { ApiProblem } from '@/ui/common/api-problem';
import { SafeText } from '@/ui/common/rich-text';
import { CardSkeleton } from '@/ui/common/skeletons';
import { Time } from '@/ui/common/time';
import { DiffView } from '@/ui/tools/diff-view';
import { ToolActions } from '@/ui/tools/tool-actions';
import { BaselineCharts, RecentAlerts } from '@/ui/tools/tool-widgets';

// Also served as /tool?server=&tool= (app/(console)/tool/page.tsx), the form for tools named `.` or `..`.

export async function generateMetadata(props: ToolRouteProps): Promise<Metadata> {
  const named = await namedTool(props);
  return { title: named ? printableText(`${named.server}/${named.tool}`) : 'Tool' };
}

export default async function ToolPage(props: ToolRouteProps) {
  const [{ server, tool: toolName, result }, search, session] = await Promise.all([toolFromRoute(props), props.searchParams, requireSession()]);
  if (!result.ok) return <ApiProblem error={result.error} what="this tool" />;
  const detail = result.value;
  const { tool, versions, tuning, baseline } = detail;
  const now = Date.now();
  // Which comparison to show: pinned → current by default when the tool drifted, else one version against its predecessor.
  const requested = typeof search.version === 'string' ? search.version : undefined;
  const selectedIndex = requested ? versions.findIndex((v) => v.hash === requested) : -1;
  const showPinned = selectedIndex < 0 && detail.pinnedDiff !== null;
  const index = selectedIndex >= 0 ? selectedIndex : 0;
  const selected = versions[index];
  const number = (i: number) => versions.length - i;

  return (
    <>
      <div className="crumbs">
        <Link href="/tools">Tools</Link> <span>/</span> <span className="mono">
          <SafeText inline text={server} />
        </span>
      </div>
      <div className="page-head">
        <div>
          <div className="incident-title">
            <h1 className="mono" style={{ fontSize: 18 }}>
              <SafeText inline text={`${server}/${toolName}`} />
            </h1>
            {tool.quarantine ? (
              <span className="badge st-contained" data-testid="quarantine-state">
                Quarantined
              </span>
            ) : null}
            {tool.pinnedHash === null ? (
              <span className="badge outline" title="Seen in calls; its server never listed it in tools/list">
                Never listed
              </span>
            ) : tool.drifted ? (
              <span className="badge warn">Drifted from pin</span>
            ) : (
              <span className="badge ok">Matches pin</span>
            )}
            {tool.openAlerts ? <span className="badge sev-high">{tool.openAlerts} open alerts</span> : null}
          </div>
          <div className="meta">
            <span>
              First seen <Time iso={tool.firstSeen} now={now} />
            </span>
            <span>
              Last seen <Time iso={tool.lastSeen} now={now} relative />
            </span>
            <span>{formatNumber(tool.calls)} calls</span>
            <span>
              {tool.versions} version{tool.versions === 1 ? '' : 's'}
            </span>
            {tool.pinnedHash === null ? (
              <span>no pin</span>
            ) : (
              <span className="mono" title={tool.pinnedHash}>
                pin {shortHash(tool.pinnedHash)}
              </span>
            )}
            {tool.approvedBy ? <span>approved by {tool.approvedBy}</span> : null}
          </div>
          {tool.quarantine ? (
            <p className="muted" style={{ margin: '6px 0 0' }}>
              Quarantined by {tool.quarantine.by} since {formatInstant(tool.quarantine.since)}: <SafeText inline text={tool.quarantine.reason} />
            </p>
          ) : null}
        </div>
        <div className="actions">
          {session.can('triage') ? <ToolActions server={server} tool={toolName} quarantined={!!tool.quarantine} drifted={tool.drifted} currentHash={tool.currentHash} /> : null}
          <Link className="btn" href={toolHref(server, toolName, 'baseline')}>
            {session.can('triage') ? 'Tune baseline' : 'Baseline tuning'}
          </Link>
        </div>
      </div>

      <section className="card" aria-labelledby="history-h" style={{ marginBottom: 14 }}>
        <div className="card-head">
          <div>
            <h2 id="history-h">Description history</h2>
            <p>What the model reads: the description and schemas of each version, compared side by side.</p>
          </div>
        </div>
        <div style={{ display: 'grid', gridTemplateColumns: '250px minmax(0, 1fr)' }}>
          <ul className="versions" style={{ borderRight: '1px solid var(--border)' }}>
            {detail.pinnedDiff ? (
              <li>
                <Link href={toolHref(server, toolName)} aria-current={showPinned ? 'true' : undefined} scroll={false}>
                  <strong>Pinned → current</strong>
                  <div className="muted mono">
                    {shortHash(tool.pinnedHash ?? '', 8)} → {shortHash(tool.currentHash ?? '', 8)}
                  </div>
                </Link>
              </li>
            ) : null}
            {versions.map((v, i) => (
              <li key={v.hash}>
                <Link href={toolHref(server, toolName, undefined, { version: v.hash })} aria-current={!showPinned && i === index ? 'true' : undefined} scroll={false}>
                  <strong>Version {number(i)}</strong>{' '}
                  {v.hash === tool.currentHash ? <span className="badge outline">current</span> : null}{' '}
                  {v.hash === tool.pinnedHash ? <span className="badge outline">pinned</span> : null}
                  <div className="muted mono">{shortHash(v.hash)}</div>
                  <div className="muted">
                    <Time iso={v.firstSeen} now={now} /> → <Time iso={v.lastSeen} now={now} />
                  </div>
                </Link>
              </li>
            ))}
          </ul>
          <div style={{ minWidth: 0 }}>
            {showPinned ? (
              <DiffView diff={detail.pinnedDiff!} oldTitle={`pinned (${shortHash(tool.pinnedHash ?? '', 8)})`} newTitle={`current (${shortHash(tool.currentHash ?? '', 8)})`} />
            ) : selected?.diff ? (
              <DiffView diff={selected.diff} oldTitle={`version ${number(index) - 1}`} newTitle={`version ${number(index)}`} />
            ) : selected ? (
              <>
                <div className="diff-head" style={{ gridTemplateColumns: '1fr' }}>
                  <div>Version {number(index)} (first seen definition)</div>
                </div>
                <pre className="definition">
                  <SafeText text={definitionText(selected.definition)} />
                </pre>
              </>
            ) : (
              <div className="empty">
                {tool.pinnedHash === null ? 'Never listed: this tool was seen only in calls, and its server has not described it in a tools/list. The model may have learnt of it elsewhere.' : 'No definition recorded.'}
              </div>
            )}
          </div>
        </div>
      </section>

      <div className="page-head" style={{ marginBottom: 10 }}>
        <div>
          <h2>Baseline</h2>
          <p>
            {baseline.learning ? `Learning: ${baseline.observations} of ${tuning.warmup} observations` : `Learned from ${formatNumber(baseline.observations)} observations`} · sensitivity ×{tuning.sensitivity}
            {tuning.mutedDetectors.length ? ` · muted: ${tuning.mutedDetectors.map(categoryLabel).join(', ')}` : ''}
          </p>
        </div>
      </div>
      <Suspense
        fallback={
          <div className="grid-halves">
            <CardSkeleton height={200} title="Response size" />
            <CardSkeleton height={200} title="Call rate" />
          </div>
        }
      >
        <BaselineCharts detail={detail} />
      </Suspense>

      <section className="card" aria-labelledby="recent-h" style={{ marginTop: 14 }}>
        <div className="card-head">
          <h2 id="recent-h">Recent alerts</h2>
        </div>
        <RecentAlerts detail={detail} now={now} />
      </section>
    </>
  );
}
