import type { Alert, AlertQuery, Page, TriageStatus } from '@palisade/schema';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs } from '../shared/time.js';
import type { AlertRepository, TimeRange, ToolAlertCount } from '../store.port.js';
import { docById, docsByIds, keysetPage, keysetScan, placeholders, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const ALERTS: KeysetList = {
  list: 'alerts',
  table: 'alerts',
  keys: [
    { column: 'ts_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
};
const isAlert = hasStringKeys('id', 'ts', 'category', 'severity', 'server');

export class SqliteAlertRepository implements AlertRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async insertMany(alerts: readonly Alert[]): Promise<string[]> {
    return this.ctx.write(() => this.insertManyNow(alerts));
  }

  /** Inserts the alerts whose id is new and returns their ids; the caller holds the transaction. */
  insertManyNow(alerts: readonly Alert[]): string[] {
    const insert = this.ctx.statement(
      `INSERT INTO alerts (id, ts_ms, category, severity, server, tool, session, rule_id, incident_id, status, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const inserted: string[] = [];
    for (const alert of alerts) {
      const status = alert.status ?? 'open';
      const result = insert.run(
        alert.id,
        instantMs(alert.ts, `alert ${alert.id} ts`),
        alert.category,
        alert.severity,
        alert.server,
        alert.tool,
        alert.sessionId,
        alert.ruleId,
        alert.incidentId,
        status,
        JSON.stringify({ ...alert, status }),
      );
      if (result.changes > 0) inserted.push(alert.id);
    }
    return inserted;
  }

  async get(id: string): Promise<Alert | null> {
    return docById(this.ctx, 'alerts', id, (doc) => this.decode(doc));
  }

  async getMany(ids: readonly string[]): Promise<Alert[]> {
    return docsByIds(this.ctx, 'alerts', ids, (doc) => this.decode(doc));
  }

  async search(query: AlertQuery): Promise<Page<Alert>> {
    const filter = this.filter(query)
      .equals('category', query.category)
      .equals('severity', query.severity)
      .equals('server', query.server)
      .equals('tool', query.tool)
      .equals('session', query.session)
      .equals('status', query.status)
      .equals('incident_id', query.incidentId)
      .equals('rule_id', query.ruleId);
    return keysetPage(this.ctx, ALERTS, filter, query, (doc) => this.decode(doc));
  }

  async setStatusByIncident(incidentId: string, status: TriageStatus): Promise<number> {
    return this.ctx.write(
      () =>
        this.ctx
          .statement("UPDATE alerts SET status = ?, doc = json_set(doc, '$.status', ?) WHERE incident_id = ? AND status <> ?")
          .run(status, status, incidentId, status).changes,
    );
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<Alert[]> {
    return keysetScan(this.ctx, ALERTS, this.filter(range), batchSize, (doc) => this.decode(doc));
  }

  async deleteBefore(ts: string): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    return this.ctx.write(() => this.ctx.statement('DELETE FROM alerts WHERE ts_ms < ?').run(before).changes);
  }

  async countByRule(): Promise<Record<string, number>> {
    const rows = this.ctx.statement('SELECT rule_id AS rule, count(*) AS n FROM alerts GROUP BY rule_id').all() as { rule: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.rule, row.n]));
  }

  async countByTool(statuses: readonly TriageStatus[], scope: { server?: string; tool?: string } = {}): Promise<ToolAlertCount[]> {
    if (statuses.length === 0) return [];
    const filter = new SqlFilter().equals('server', scope.server).equals('tool', scope.tool);
    filter.add(`status IN (${placeholders(statuses.length)})`, ...statuses);
    filter.add('tool IS NOT NULL');
    return this.ctx.statement(`SELECT server, tool, count(*) AS count FROM alerts ${filter.sql()} GROUP BY server, tool ORDER BY server, tool`).all(...filter.params) as ToolAlertCount[];
  }

  private filter(range: { from?: string | undefined; to?: string | undefined }): SqlFilter {
    return new SqlFilter().timeRange('ts_ms', range);
  }

  private decode(doc: unknown): Alert | null {
    return this.ctx.rows.parse<Alert>(doc, isAlert);
  }
}
