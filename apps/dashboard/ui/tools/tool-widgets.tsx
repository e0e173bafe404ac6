import Link from 'next/link';
import { attempt } from '@/lib/attempt';
import { callRateSeries, sizeHistogram } from '@/lib/baseline-charts';
import { type ToolDetail, toolCalls } from '@/lib/data';
import { formatBytes } from '@/lib/format';
import { ApiProblem } from '../common/api-problem';
import { CategoryChip, SeverityBadge, StatusBadge } from '../common/badges';
import { Panel } from '../common/panel';
import { SafeText } from '../common/rich-text';
import { TableHead } from '../common/table-head';
import { Time } from '../common/time';
import { CallRateChart, SizeHistogramChart, ValueBars } from './baseline-charts';

/** The baseline's charts, from the tool's recent calls (up to 500) and the detector's summary. */
export async function BaselineCharts({ detail }: { detail: ToolDetail }) {
  const { server, tool } = detail.tool;
  const result = await attempt(toolCalls(server, tool));
  if (!result.ok) return <ApiProblem error={result.error} what="the tool's calls" />;
  const calls = result.value.items.filter((e) => e['mcp.method.name'] === 'tools/call');
  const sizes = calls.map((e) => e['palisade.capture.response']?.bytes).filter((b): b is number => typeof b === 'number');
  const histogram = sizeHistogram(sizes, detail.baseline.responseBytes);
  const series = callRateSeries(calls.map((e) => Date.parse(e.ts)));
  return (
    <div className="grid-halves">
      <Panel
        id="size-h"
        title="Response size"
        body
        description={`${calls.length} recent calls · baseline median ${detail.baseline.responseBytes ? formatBytes(detail.baseline.responseBytes.median) : '–'} over ${detail.baseline.responseBytes?.samples ?? 0} samples`}
      >
        <SizeHistogramChart histogram={histogram} />
      </Panel>
      <Panel
        id="rate-h"
        title="Call rate"
        body
        description={`Baseline median ${detail.baseline.callRate ? `${detail.baseline.callRate.medianPerMinute} calls/min over ${detail.baseline.callRate.samples} active minutes` : '–'}`}
      >
        <CallRateChart series={series} {...(detail.baseline.callRate ? { medianPerMinute: detail.baseline.callRate.medianPerMinute } : {})} />
      </Panel>
      <Panel id="rcpt-h" title="Recipients seen" body description="Values of recipient-like arguments (to, cc, phone, channel, webhook) in the baseline">
        <ValueBars items={detail.baseline.recipients} empty="No recipient-like arguments seen." />
      </Panel>
      <Panel id="dom-h" title="Domains seen" body description="Domains named by URL, host and address arguments">
        <ValueBars items={detail.baseline.domains} empty="No domains seen." />
      </Panel>
    </div>
  );
}

export function RecentAlerts({ detail, now }: { detail: ToolDetail; now: number }) {
  if (detail.recentAlerts.length === 0) return <div className="empty">No alerts for this tool.</div>;
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Recent alerts">
        <TableHead columns={['Severity', 'Alert', 'Category', 'Status', 'When']} />
        <tbody>
          {detail.recentAlerts.map((a) => (
            <tr key={a.id}>
              <td>
                <SeverityBadge severity={a.severity} />
              </td>
              <td>
                {a.incidentId ? (
                  <Link href={`/incidents/${a.incidentId}`}>
                    <SafeText inline text={a.title} />
                  </Link>
                ) : (
                  <SafeText inline text={a.title} />
                )}
              </td>
              <td>
                <CategoryChip category={a.category} />
              </td>
              <td>
                <StatusBadge status={a.status} />
              </td>
              <td className="nowrap">
                <Time iso={a.ts} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
