import 'server-only';
import { notFound } from 'next/navigation';
import { type Attempt, attempt } from './attempt';
import { type ToolDetail, getTool } from './data';
import { segment } from './route-params';

/** The tool named by a `/tools/[server]/[tool]` route: 404 when the detector does not know it. */
export async function toolFromRoute(params: Promise<{ server: string; tool: string }>): Promise<{ server: string; tool: string; base: string; result: Attempt<ToolDetail> }> {
  const { server: s, tool: t } = await params;
  const server = segment(s);
  const tool = segment(t);
  const result = await attempt(getTool(server, tool));
  if (!result.ok && result.error.status === 404) notFound();
  return { server, tool, base: `/tools/${encodeURIComponent(server)}/${encodeURIComponent(tool)}`, result };
}
