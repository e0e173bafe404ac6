/** A tool's page beside its own: its baseline tuning. */
export type ToolView = 'baseline';

/** What the dashboard asks the detector about one tool, past `GET /api/tools/:server/:tool`. */
export type ToolAction = 'versions' | 'quarantine' | 'release' | 'approve' | 'baseline' | 'baseline/preview';

/**
 * Where a tool's page is: the version shown (`version`, its hash), what it is compared with (its predecessor,
 * or `compare=pinned`), and the page of its history (`cursor`, `page`, `back`, as `lib/queue-paging`).
 */
export interface ToolPageSearch {
  version?: string | undefined;
  compare?: 'pinned' | undefined;
  cursor?: string | undefined;
  page?: string | undefined;
  back?: string | undefined;
}

/**
 * `.` and `..`: dot segments, which browsers, fetch and every WHATWG URL remove from a path before it is sent
 * (once percent-encoded, a name cannot be one: encodeURIComponent leaves dots and encodes `%`).
 */
export function isDotSegment(name: string): boolean {
  return name === '.' || name === '..';
}

/**
 * Where one tool lives under `root` (the dashboard's pages, or the detector's `/api`): the path form
 * `ROOT/tools/SERVER/TOOL/SUB` for every name a path can carry, else the query form
 * `ROOT/tool/SUB?server=SERVER&tool=TOOL`, which the pages and the API both serve. A monitored server picks
 * its tool names, so one named `..` still opens, is contained and is tuned.
 */
function toolLocation(root: '' | '/api', server: string, tool: string, sub: string | undefined, search: Record<string, string> = {}): string {
  const tail = sub ? `/${sub}` : '';
  if (isDotSegment(server) || isDotSegment(tool)) return `${root}/tool${tail}?${new URLSearchParams({ server, tool, ...search })}`;
  const query = new URLSearchParams(search).toString();
  return `${root}/tools/${encodeURIComponent(server)}/${encodeURIComponent(tool)}${tail}${query ? `?${query}` : ''}`;
}

/** A tool's page in the dashboard (or its baseline tuning), optionally on one version of its definition and a page of its history. */
export function toolHref(server: string, tool: string, view?: ToolView, search: ToolPageSearch = {}): string {
  const given = Object.entries(search).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  return toolLocation('', server, tool, view, Object.fromEntries(given));
}

/** The detector API route of one tool: its detail, or an action on it. */
export function toolApiPath(server: string, tool: string, action?: ToolAction): string {
  return toolLocation('/api', server, tool, action);
}
