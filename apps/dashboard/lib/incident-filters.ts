import { z } from 'zod';
import type { QueuePositionParams } from './queue-paging';
import { ALERT_CATEGORIES } from './vocabulary';

/** Time windows offered by the queue, and their length in ms. */
export const TIME_RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES | 'all';

const Text = z.string().trim().max(200).optional().catch(undefined);

/** The queue's filters as they appear in its URL (`/incidents?status=open&severity=high…`). */
export const IncidentFilterParams = z.object({
  status: z.enum(['all', 'open', 'triaging', 'contained', 'resolved', 'false_positive']).default('open').catch('open'),
  severity: z.enum(['low', 'medium', 'high', 'critical']).optional().catch(undefined),
  category: z.enum(ALERT_CATEGORIES).optional().catch(undefined),
  server: Text,
  tool: Text,
  assignee: Text,
  q: z.string().trim().max(500).optional().catch(undefined),
  range: z.enum(['1h', '24h', '7d', '30d', 'all']).default('all').catch('all'),
  sort: z.enum(['severity', 'recent']).default('severity').catch('severity'),
});
export type IncidentFilterParams = z.infer<typeof IncidentFilterParams>;

export interface IncidentFilters {
  params: IncidentFilterParams;
  /** The detector API query for these filters. */
  query: Record<string, string | undefined>;
}

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === '' ? undefined : v;
}

/** Reads the queue filters from a page's search params; anything invalid falls back to its default. */
export function parseIncidentFilters(searchParams: SearchParams, nowMs: number, me?: string): IncidentFilters {
  const raw = Object.fromEntries(Object.keys(IncidentFilterParams.shape).map((key) => [key, first(searchParams[key])]));
  const params = IncidentFilterParams.parse(raw);
  const assignee = params.assignee === 'me' && me ? me : params.assignee;
  const query: Record<string, string | undefined> = {
    status: params.status === 'all' ? undefined : params.status,
    severity: params.severity,
    category: params.category,
    server: params.server,
    tool: params.tool,
    assignee,
    q: params.q,
    sort: params.sort,
    from: params.range === 'all' ? undefined : new Date(nowMs - TIME_RANGES[params.range]).toISOString(),
  };
  return { params, query };
}

const DEFAULTS: Partial<Record<keyof IncidentFilterParams, string>> = { status: 'open', range: 'all', sort: 'severity' };

/** The queue URL for these filters with some changed (defaults left out, so URLs stay short); paging (queue-paging.ts) among the changes. */
export function incidentsHref(params: Partial<IncidentFilterParams>, changes: Partial<Record<keyof IncidentFilterParams | keyof QueuePositionParams, string | undefined>> = {}): string {
  const merged: Record<string, string | undefined> = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '' || DEFAULTS[key as keyof IncidentFilterParams] === value) continue;
    search.set(key, value);
  }
  const text = search.toString();
  return text ? `/incidents?${text}` : '/incidents';
}
