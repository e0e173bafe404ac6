import 'server-only';
import { NamedToolQuery } from '@palisade/schema';
import { notFound } from 'next/navigation';
import { type Attempt, attempt } from './attempt';
import { type ToolDetail, getTool } from './data';
import { segment } from './route-params';

/** What a tool's page gets from Next.js: `/tools/[server]/[tool]` has both params, `/tool?server=&tool=` neither. */
export interface ToolRouteProps {
  params: Promise<{ server?: string; tool?: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * The tool a page names, in its path (`/tools/[server]/[tool]`) or in its query (`/tool?server=&tool=`, the
 * form for `.` and `..`, see tool-links.ts), checked as the detector checks it; null when it names none (a
 * parameter missing or given twice).
 */
export async function namedTool({ params, searchParams }: ToolRouteProps): Promise<{ server: string; tool: string } | null> {
  const [path, query] = await Promise.all([params, searchParams]);
  // The names only: the query also carries the page's own parameters (`version`, `compare`, the history's `cursor`).
  const named = path.server !== undefined && path.tool !== undefined ? { server: segment(path.server), tool: segment(path.tool) } : { server: query.server, tool: query.tool };
  const parsed = NamedToolQuery.safeParse(named);
  return parsed.success ? parsed.data : null;
}

/** The tool a page names, read from the detector: 404 when the page names none or the detector does not know it. */
export async function toolFromRoute(props: ToolRouteProps): Promise<{ server: string; tool: string; result: Attempt<ToolDetail> }> {
  const named = await namedTool(props);
  if (!named) notFound();
  const result = await attempt(getTool(named.server, named.tool));
  if (!result.ok && result.error.status === 404) notFound();
  return { ...named, result };
}
