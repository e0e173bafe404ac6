import { severityRank, type Alert, type AlertQuery, type Page, type TriageStatus } from '@palisade/schema';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { AlertRepository, TimeRange, ToolAlertCount } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { esDate, msRange, termFilters, type ElasticsearchContext, type Hit, type Query, type SortedList } from './elasticsearch.context.js';

const NEWEST_FIRST: SortedList = {
  list: 'alerts',
  sort: [
    { field: '@timestamp', order: 'desc' },
    { field: 'event.id', order: 'desc' },
  ],
  shape: ['number', 'string'],
};
const OLDEST_FIRST = NEWEST_FIRST.sort.map(({ field }) => ({ field, order: 'asc' as const }));
const isAlert = hasStringKeys('id', 'ts', 'category', 'severity', 'server');

/**
 * Alerts in one index (`palisade-alerts`): an alert id must be unique whatever its time, which daily
 * indices cannot promise; alerts are few, so retention deletes by query. `_id` is the alert id and
 * writes are `create`: a 409 tells a replayed alert from a new one.
 */
export class ElasticsearchAlertRepository implements AlertRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async insertMany(alerts: readonly Alert[]): Promise<string[]> {
    if (alerts.length === 0) return [];
    const outcomes = await this.ctx.bulk.write(alerts.map((alert) => this.action(alert)), this.ctx.refresh);
    // A batch may carry the same new alert twice: the first create writes it, the second is a duplicate.
    return alerts.flatMap((alert, index) => (outcomes[index] === 'written' ? [alert.id] : []));
  }

  async get(id: string): Promise<Alert | null> {
    const source = await this.ctx.getSource(this.index(), id);
    return source ? this.decodeSource(source) : null;
  }

  async getMany(ids: readonly string[]): Promise<Alert[]> {
    return (await this.ctx.getSources(this.index(), ids)).flatMap((source) => this.decodeSource(source) ?? []);
  }

  async search(query: AlertQuery): Promise<Page<Alert>> {
    const filter = [
      ...this.filter(query),
      ...termFilters({
        'palisade.alert.category': query.category,
        'palisade.alert.severity': query.severity,
        'palisade.alert.server': query.server,
        'palisade.alert.tool': query.tool,
        'palisade.alert.sessionId': query.session,
        'palisade.alert.status': query.status,
        'palisade.alert.incidentId': query.incidentId,
        'palisade.alert.ruleId': query.ruleId,
      }),
    ];
    return this.ctx.page(this.index(), { bool: { filter } }, NEWEST_FIRST, query, (hit) => this.decode(hit));
  }

  async setStatusByIncident(incidentId: string, status: TriageStatus): Promise<number> {
    const response = await this.ctx.call('update alert status', () =>
      this.ctx.client.updateByQuery(
        {
          index: this.index(),
          query: { bool: { filter: termFilters({ 'palisade.alert.incidentId': incidentId }), must_not: termFilters({ 'palisade.alert.status': status }) } },
          script: { lang: 'painless', source: 'ctx._source.palisade.alert.status = params.status', params: { status } },
          conflicts: 'proceed',
          refresh: true,
        },
        { maxRetries: 0 },
      ),
    );
    return response.updated ?? 0;
  }

  async *scan(range: TimeRange, batchSize = 1000): AsyncIterable<Alert[]> {
    for await (const hits of this.ctx.scan(this.index(), { bool: { filter: this.filter(range) } }, OLDEST_FIRST, batchSize)) {
      yield hits.flatMap((hit) => this.decode(hit) ?? []);
    }
  }

  async deleteBefore(ts: string): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    return this.ctx.deleteByQuery('delete old alerts', this.index(), { bool: { filter: msRange('@timestamp', { lt: cut }) } });
  }

  async countByRule(): Promise<Record<string, number>> {
    const response = await this.ctx.call('count alerts by rule', () =>
      this.ctx.client.search({ index: this.index(), size: 0, aggs: { rules: { terms: { field: 'palisade.alert.ruleId', size: 10_000 } } } }, { maxRetries: 0 }),
    );
    const buckets = (response.aggregations?.['rules'] as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
    return Object.fromEntries(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
  }

  async countByTool(statuses: readonly TriageStatus[], scope: { server?: string; tool?: string } = {}): Promise<ToolAlertCount[]> {
    if (statuses.length === 0) return [];
    const filter: Query[] = [{ terms: { 'palisade.alert.status': [...statuses] } }, { exists: { field: 'palisade.alert.tool' } }, ...termFilters({ 'palisade.alert.server': scope.server, 'palisade.alert.tool': scope.tool })];
    const response = await this.ctx.call('count alerts by tool', () =>
      this.ctx.client.search(
        {
          index: this.index(),
          size: 0,
          query: { bool: { filter } },
          aggs: { servers: { terms: { field: 'palisade.alert.server', size: 10_000, order: { _key: 'asc' } }, aggs: { tools: { terms: { field: 'palisade.alert.tool', size: 10_000, order: { _key: 'asc' } } } } } },
        },
        { maxRetries: 0 },
      ),
    );
    type Bucket = { key: string; doc_count: number; tools?: { buckets?: Bucket[] } };
    const servers = (response.aggregations?.['servers'] as { buckets?: Bucket[] } | undefined)?.buckets ?? [];
    return servers.flatMap((server) => (server.tools?.buckets ?? []).map((tool) => ({ server: server.key, tool: tool.key, count: tool.doc_count })));
  }

  action(alert: Alert): BulkAction {
    const tsMs = instantMs(alert.ts, `alert ${alert.id} ts`);
    return {
      op: 'create',
      index: this.index(),
      id: alert.id,
      document: {
        '@timestamp': new Date(tsMs).toISOString(),
        event: { id: alert.id, kind: 'alert', severity: severityRank(alert.severity) },
        rule: { id: alert.ruleId },
        palisade: { alert: { ...alert, ts: esDate(alert.ts), status: alert.status ?? 'open' } },
      },
    };
  }

  private filter(range: { from?: string | undefined; to?: string | undefined }): Query[] {
    const { fromMs, toMs } = rangeMs(range);
    return msRange('@timestamp', { gte: fromMs, lt: toMs });
  }

  private index(): string {
    return this.ctx.indices.name('alerts');
  }

  private decode(hit: Hit): Alert | null {
    return this.decodeSource(hit._source);
  }

  private decodeSource(source: Record<string, unknown> | undefined): Alert | null {
    return this.ctx.recordAt<Alert>(source, 'palisade.alert', isAlert);
  }
}
