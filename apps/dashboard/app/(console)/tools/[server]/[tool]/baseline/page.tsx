import type { Metadata } from 'next';
import { printableText } from '@palisade/schema/printable-text';
import Link from 'next/link';
import { formatBytes, formatNumber } from '@/lib/format';
import { requireSession } from '@/lib/session';
import { toolHref } from '@/lib/tool-links';
import { type ToolRouteProps, namedTool, toolFromRoute } from '@/lib/tool-route';
import { ApiProblem } from '@/ui/common/api-problem';
import { Stat } from '@/ui/common/panel';
import { SafeText } from '@/ui/common/rich-text';
import { TuningForm } from '@/ui/tuning/tuning-form';

// Also served as /tool/baseline?server=&tool= (app/(console)/tool/baseline/page.tsx), for tools named `.` or `..`.

export async function generateMetadata(props: ToolRouteProps): Promise<Metadata> {
  const named = await namedTool(props);
  return { title: named ? printableText(`Tuning ${named.server}/${named.tool}`) : 'Baseline tuning' };
}

export default async function BaselinePage(props: ToolRouteProps) {
  const [{ server, tool: toolName, result }, session] = await Promise.all([toolFromRoute(props), requireSession()]);
  if (!result.ok) return <ApiProblem error={result.error} what="this tool" />;
  const { tuning, baseline } = result.value;
  return (
    <>
      <div className="crumbs">
        <Link href="/tools">Tools</Link> <span>/</span>
        <Link href={toolHref(server, toolName)} className="mono">
          <SafeText inline text={`${server}/${toolName}`} />
        </Link>
        <span>/</span> <span>Baseline tuning</span>
      </div>
      <div className="page-head">
        <div>
          <h1>
            Baseline tuning · <span className="mono">
              <SafeText inline text={toolName} />
            </span>
          </h1>
          <p>How the behavioural detectors judge this tool: thresholds, learning, what is expected, what is muted.</p>
        </div>
      </div>
      <div className="stats">
        <Stat label="State" value={baseline.learning ? 'Learning' : 'Learned'} small={`${formatNumber(baseline.observations)} / ${tuning.warmup} obs.`} />
        <Stat label="Median response" value={baseline.responseBytes ? formatBytes(baseline.responseBytes.median) : '–'} small={baseline.responseBytes ? `${baseline.responseBytes.samples} samples` : undefined} />
        <Stat label="Median call rate" value={baseline.callRate ? `${baseline.callRate.medianPerMinute}/min` : '–'} />
        <Stat label="Recipients · domains seen" value={`${baseline.recipients.length} · ${baseline.domains.length}`} />
      </div>
      <TuningForm server={server} tool={toolName} saved={tuning} canTune={session.can('triage')} />
    </>
  );
}
