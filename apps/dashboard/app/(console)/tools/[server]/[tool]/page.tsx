import type { Metadata } from 'next';
import { printableText } from '@palisade/schema/printable-text';
import Link from 'next/link';
import { Suspense } from 'react';
import { attempt } from '@/lib/attempt';
import { getToolVersions } from '@/lib/data';
import { definitionText } from '@/lib/definition-text';
import { formatInstant, formatNumber, shortHash } from '@/lib/format';
import { parseQueuePosition, positionParams, queueRange } from '@/lib/queue-paging';
import { requireSession } from '@/lib/session';
import { toolHref } from '@/lib/tool-links';
import { type ToolRouteProps, namedTool, toolFromRoute } from '@/lib/tool-route';
import { TOOL_VERSIONS } from '@/lib/version-paging';
import { categoryLabel } from '@/lib/vocabulary';
import { ApiProblem } from '@/ui/common/api-problem';
import { Pager } from '@/ui/common/pager';
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
  const { tool, tuning, baseline } = detail;
  const now = Date.now();
  // The history a page at a time, newest first: the detail holds the first page, a cursor in the URL reads another.
  const position = parseQueuePosition(search);
  const history = position.cursor ? await attempt(getToolVersions(server, toolName, position.cursor)) : { ok: true as const, value: { items: detail.versions, total: detail.versionsTotal, nextCursor: detail.versionsNextCursor } };
  if (!history.ok) return <ApiProblem error={history.error} what="this tool's versions" />;
  const versions = history.value.items;
  const here = positionParams(position);
  // Which comparison to show: pinned → current by default when the tool drifted, else one version against
  // its predecessor, or against the pinned version (`compare=pinned`).
  const requested = typeof search.version === 'string' ? search.version : undefined;
  const againstPinned = search.compare === 'pinned';
  const selectedIndex = requested ? versions.findIndex((v) => v.hash === requested) : -1;
  const showPinned = selectedIndex < 0 && !position.cursor && detail.pinnedDiff !== null;
  const index = selectedIndex >= 0 ? selectedIndex : 0;
  const selected = versions[index];
  // Versions are numbered from the oldest stored; a page whose number the URL lost names them by hash.
  const start = position.page === null ? null : (position.page - 1) * TOOL_VERSIONS.pageSize;
  const number = (i: number): number | null => (start === null ? null : history.value.total - start - i);
  const name = (i: number): string => {
    const n = number(i);
    return n === null ? `version ${shortHash(versions[i]?.hash ?? '', 8)}` : `version ${n}`;
  };
  const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
  const versionHref = (hash: string, compare?: 'pinned') => toolHref(server, toolName, undefined, { ...here, version: hash, compare });

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
            {detail.pinnedDiff && !position.cursor ? (
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
              <li key={v.hash} data-version={v.hash}>
                <Link href={versionHref(v.hash, againstPinned ? 'pinned' : undefined)} aria-current={!showPinned && i === index ? 'true' : undefined} scroll={false}>
                  <strong>{capital(name(i))}</strong> {v.hash === tool.currentHash ? <span className="badge outline">current</span> : null}{' '}
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
            {!showPinned && selected && detail.pinned ? (
              <div className="diff-compare" style={{ display: 'flex', gap: 8, padding: '8px 12px', borderBottom: '1px solid var(--border)' }}>
                <span className="muted">Compare {name(index)} with</span>
                <Link className="btn small" data-testid="compare-previous" href={versionHref(selected.hash)} aria-current={againstPinned ? undefined : 'true'} scroll={false}>
                  the version before
                </Link>
                <Link className="btn small" data-testid="compare-pinned" href={versionHref(selected.hash, 'pinned')} aria-current={againstPinned ? 'true' : undefined} scroll={false}>
                  the pinned version
                </Link>
              </div>
            ) : null}
            {showPinned ? (
              <DiffView diff={detail.pinnedDiff!} oldTitle={`pinned (${shortHash(tool.pinnedHash ?? '', 8)})`} newTitle={`current (${shortHash(tool.currentHash ?? '', 8)})`} />
            ) : selected && againstPinned && selected.pinnedDiff ? (
              <DiffView diff={selected.pinnedDiff} oldTitle={`pinned (${shortHash(tool.pinnedHash ?? '', 8)})`} newTitle={name(index)} />
            ) : selected?.diff && !againstPinned ? (
              <DiffView diff={selected.diff} oldTitle={number(index) === null ? 'the version before' : `version ${number(index)! - 1}`} newTitle={name(index)} />
            ) : selected ? (
              <>
                <div className="diff-head" style={{ gridTemplateColumns: '1fr' }}>
                  <div>
                    {capital(name(index))} ({selected.hash === tool.pinnedHash ? 'the pinned definition' : 'first seen definition'})
                  </div>
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
        {history.value.total > versions.length || position.cursor ? (
          <div className="queue-foot">
            <span className="muted" data-testid="versions-range">
              {queueRange(position, versions.length, history.value.total, formatNumber, TOOL_VERSIONS)}
            </span>
            <Pager position={position} nextCursor={history.value.nextCursor} href={(at) => toolHref(server, toolName, undefined, at)} />
          </div>
        ) : null}
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
