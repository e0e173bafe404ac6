import { attempt } from '@/lib/attempt';
import { listExports } from '@/lib/data';
import { EXPORT_LIST, exportsHref } from '@/lib/export-paging';
import { formatBytes, formatInstant, formatNumber, shortHash } from '@/lib/format';
import { type QueuePosition, queueRange } from '@/lib/queue-paging';
import { ApiProblem } from '../common/api-problem';
import { LiveRefresh } from '../common/live-refresh';
import { Pager } from '../common/pager';
import { TableHead } from '../common/table-head';
import { Time } from '../common/time';

/**
 * One page of compliance bundles, newest first by when they started, with their files and the audit head
 * they end with; running and failed exports say so. Previous and Next as in the incident queue.
 */
export async function ExportList({ position }: { position: QueuePosition }) {
  const result = await attempt(listExports(position.cursor));
  if (!result.ok) return <ApiProblem error={result.error} what="the exports" />;
  const page = result.value;
  const items = page.items;
  if (items.length === 0 && !position.cursor) return <div className="empty">No bundles yet.</div>;
  const now = Date.now();
  const running = items.some((x) => x.state === 'running');
  return (
    <>
      <div className="table-wrap">
        {running ? <LiveRefresh seconds={2} /> : null}
        <table className="data" aria-label="Past exports">
          <TableHead columns={['Started', 'By', 'Range (UTC)', 'Format', 'Files', { label: 'Records', numeric: true }, { label: 'Size', numeric: true }, 'Audit head', { label: '', hiddenLabel: 'Download' }]} />
          <tbody>
            {items.map((x) => (
              <tr key={x.id} data-export-id={x.id} data-state={x.state}>
                <td className="nowrap">
                  <Time iso={x.startedAt} now={now} />
                </td>
                <td>{x.createdBy}</td>
                <td className="nowrap" title={`${formatInstant(x.from)} → ${formatInstant(x.to)}`}>
                  {x.from.slice(0, 16).replace('T', ' ')} → {x.to.slice(0, 16).replace('T', ' ')}
                </td>
                <td>
                  <span className="chip">{x.format}</span>
                </td>
                <td>
                  <details>
                    <summary>{x.files.length} files</summary>
                    <ul style={{ margin: '4px 0 0', paddingLeft: 16 }}>
                      {x.files.map((f) => (
                        <li key={f.path} className="mono" style={{ fontSize: 11.5 }}>
                          {f.path} · {f.records} · <span title={f.sha256}>{shortHash(f.sha256)}</span>
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
                <td className="num">{formatNumber(x.files.reduce((n, f) => n + f.records, 0))}</td>
                <td className="num">{formatBytes(x.files.reduce((n, f) => n + f.bytes, 0))}</td>
                <td className="mono" title={x.auditHead}>
                  {x.auditHead ? shortHash(x.auditHead) : '—'}
                </td>
                <td className="num">
                  {x.state === 'running' ? (
                    <span className="chip" title={`${formatNumber(x.progress.records)} records written so far`}>
                      Writing… {formatNumber(x.progress.records)}
                    </span>
                  ) : x.state === 'failed' ? (
                    <span className="chip" title={x.error}>
                      Failed: {x.error ?? 'no reason recorded'}
                    </span>
                  ) : (
                    <a className="btn small" href={`/exports/${encodeURIComponent(x.id)}/archive`} download data-action="download">
                      Download
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="queue-foot">
        <span className="muted" data-testid="exports-total">
          {queueRange(position, items.length, page.total, formatNumber, EXPORT_LIST)}
        </span>
        <Pager position={position} nextCursor={page.nextCursor} href={exportsHref} />
      </div>
    </>
  );
}
