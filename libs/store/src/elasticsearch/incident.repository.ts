import { severityRank, TriageStatus, type Incident, type IncidentQuery, type Page } from '@palisade/schema';
import { incidentSearchText } from '../shared/incident-text.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { parseTextQuery } from '../shared/text-query.js';
import { instantMs, rangeMs } from '../shared/time.js';
import { ACTIVE_STATUSES, zeroStatusCounts } from '../shared/triage-status.js';
import type { IncidentRepository, TimeRange } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { esDate, msRange, termFilters, type ElasticsearchContext, type Hit, type Query, type SortedList } from './elasticsearch.context.js';
import { textQuery } from './text.query.js';

const RECENT: SortedList = {
  list: 'incidents',
  sort: [
    { field: 'palisade.incident.lastSeen', order: 'desc' },
    { field: 'palisade.incident.id', order: 'desc' },
  ],
  shape: ['number', 'string'],
};
const BY_SEVERITY: SortedList = {
  list: 'incidents-by-severity',
  sort: [{ field: 'palisade.severity_rank', order: 'desc' }, ...RECENT.sort],
  shape: ['number', 'number', 'string'],
};
const BY_FIRST_SEEN = [
  { field: 'palisade.incident.firstSeen', order: 'asc' as const },
  { field: 'palisade.incident.id', order: 'asc' as const },
];
const isIncident = hasStringKeys('id', 'title', 'status', 'severity', 'server', 'lastSeen');

/**
 * Incidents in one index, `_id` the incident id. Writes wait for the refresh (`wait_for`): the pipeline
 * looks incidents up by search (`findOpen`) right after writing them, and must not open a second one.
 */
export class ElasticsearchIncidentRepository implements IncidentRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async upsert(incident: Incident): Promise<void> {
    await this.ctx.bulk.write([this.action(incident)], 'wait_for');
  }

  async get(id: string): Promise<Incident | null> {
    const source = await this.ctx.getSource(this.index(), id);
    return source ? this.decodeSource(source) : null;
  }

  async search(query: IncidentQuery): Promise<Page<Incident>> {
    const filter = [
      ...this.filter(query),
      ...termFilters({
        'palisade.incident.status': query.status,
        'palisade.incident.severity': query.severity,
        'palisade.incident.categories': query.category,
        'palisade.incident.server': query.server,
        'palisade.incident.tool': query.tool,
        'palisade.incident.assignee': query.assignee,
      }),
    ];
    const must = textQuery('palisade.text', parseTextQuery(query.q));
    return this.ctx.page(this.index(), { bool: { filter, must } }, query.sort === 'severity' ? BY_SEVERITY : RECENT, query, (hit) => this.decode(hit));
  }

  async countByStatus(): Promise<Record<TriageStatus, number>> {
    const response = await this.ctx.call('count incidents by status', () =>
      this.ctx.client.search({ index: this.index(), size: 0, aggs: { statuses: { terms: { field: 'palisade.incident.status', size: 20 } } } }, { maxRetries: 0 }),
    );
    const counts = zeroStatusCounts();
    const buckets = (response.aggregations?.['statuses'] as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
    for (const bucket of buckets) {
      const status = TriageStatus.safeParse(bucket.key);
      if (status.success) counts[status.data] = bucket.doc_count;
    }
    return counts;
  }

  async findOpen(key: { server: string; tool: string | null; sessionId: string | null | undefined }, since: string): Promise<Incident | null> {
    const filter = [
      ...termFilters({ 'palisade.incident.server': key.server, 'palisade.incident.tool': key.tool, 'palisade.incident.sessionId': key.sessionId }),
      { terms: { 'palisade.incident.status': [...ACTIVE_STATUSES] } },
      ...msRange('palisade.incident.lastSeen', { gte: instantMs(since, 'since') }),
    ];
    const page = await this.ctx.page(this.index(), { bool: { filter } }, RECENT, { limit: 1 }, (hit) => this.decode(hit));
    return page.items[0] ?? null;
  }

  async *scan(range: TimeRange, batchSize = 1000): AsyncIterable<Incident[]> {
    for await (const hits of this.ctx.scan(this.index(), { bool: { filter: this.filter(range) } }, BY_FIRST_SEEN, batchSize)) {
      yield hits.flatMap((hit) => this.decode(hit) ?? []);
    }
  }

  action(incident: Incident): BulkAction {
    const lastSeenMs = instantMs(incident.lastSeen, `incident ${incident.id} lastSeen`);
    instantMs(incident.firstSeen, `incident ${incident.id} firstSeen`);
    return {
      op: 'index',
      index: this.index(),
      id: incident.id,
      document: {
        '@timestamp': new Date(lastSeenMs).toISOString(),
        event: { id: incident.id, kind: 'incident' },
        palisade: {
          severity_rank: severityRank(incident.severity),
          text: incidentSearchText(incident),
          incident: { ...incident, firstSeen: esDate(incident.firstSeen), lastSeen: esDate(incident.lastSeen), createdAt: esDate(incident.createdAt), updatedAt: esDate(incident.updatedAt) },
        },
      },
    };
  }

  /** Incidents active in `[from, to)`: seen last at or after `from`, first before `to`. */
  private filter(range: { from?: string | undefined; to?: string | undefined }): Query[] {
    const { fromMs, toMs } = rangeMs(range);
    return [...msRange('palisade.incident.lastSeen', { gte: fromMs }), ...msRange('palisade.incident.firstSeen', { lt: toMs })];
  }

  private index(): string {
    return this.ctx.indices.name('incidents');
  }

  private decode(hit: Hit): Incident | null {
    return this.decodeSource(hit._source);
  }

  private decodeSource(source: Record<string, unknown> | undefined): Incident | null {
    return this.ctx.recordAt<Incident>(source, 'palisade.incident', isIncident);
  }
}
