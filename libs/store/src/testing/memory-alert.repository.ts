import type { Alert, AlertQuery, Page, TriageStatus } from '@palisade/schema';
import { instantMs, rangeMs } from '../shared/time.js';
import type { AlertRepository, TimeRange, ToolAlertCount } from '../store.port.js';
import { compareKeys, deleteWhere, pickByIds, memoryPage, scanAscending } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

type AlertRow = { alert: Alert; tsMs: number };

export class MemoryAlertRepository implements AlertRepository {
  constructor(private readonly state: MemoryState) {}

  async insertMany(alerts: readonly Alert[]): Promise<string[]> {
    return this.state.transaction(() => this.insertManyNow(alerts));
  }

  insertManyNow(alerts: readonly Alert[]): string[] {
    const inserted: string[] = [];
    for (const alert of alerts) {
      const tsMs = instantMs(alert.ts, `alert ${alert.id} ts`);
      if (this.state.alerts.has(alert.id)) continue;
      this.state.alerts.set(alert.id, { alert: jsonCopy({ ...alert, status: alert.status ?? 'open' }), tsMs });
      inserted.push(alert.id);
    }
    return inserted;
  }

  async get(id: string): Promise<Alert | null> {
    return pickByIds(this.state.alerts, [id], (row) => row.alert)[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<Alert[]> {
    return pickByIds(this.state.alerts, ids, (row) => row.alert);
  }

  async search(query: AlertQuery): Promise<Page<Alert>> {
    const inRange = this.matcher(query);
    const rows = [...this.state.alerts.values()].filter(
      (row) =>
        inRange(row) &&
        (query.category === undefined || row.alert.category === query.category) &&
        (query.severity === undefined || row.alert.severity === query.severity) &&
        (query.server === undefined || row.alert.server === query.server) &&
        (query.tool === undefined || row.alert.tool === query.tool) &&
        (query.session === undefined || row.alert.sessionId === query.session) &&
        (query.status === undefined || row.alert.status === query.status) &&
        (query.incidentId === undefined || row.alert.incidentId === query.incidentId) &&
        (query.ruleId === undefined || row.alert.ruleId === query.ruleId),
    );
    return memoryPage(rows, 'alerts', ['number', 'string'], (row) => [row.tsMs, row.alert.id], query, (row) => jsonCopy(row.alert));
  }

  async setStatusByIncident(incidentId: string, status: TriageStatus): Promise<number> {
    let changed = 0;
    for (const [id, row] of this.state.alerts) {
      if (row.alert.incidentId === incidentId && row.alert.status !== status) {
        this.state.alerts.set(id, { ...row, alert: { ...row.alert, status } });
        changed += 1;
      }
    }
    return changed;
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<Alert[]> {
    const rows = [...this.state.alerts.values()].filter(this.matcher(range));
    return scanAscending(rows, (row) => [row.tsMs, row.alert.id], batchSize, (row) => jsonCopy(row.alert));
  }

  async deleteBefore(ts: string): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    return deleteWhere(this.state.alerts, (row) => row.tsMs < before);
  }

  async countByRule(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { alert } of this.state.alerts.values()) counts[alert.ruleId] = (counts[alert.ruleId] ?? 0) + 1;
    return counts;
  }

  async countByTool(statuses: readonly TriageStatus[], scope: { server?: string; tool?: string } = {}): Promise<ToolAlertCount[]> {
    const counts = new Map<string, ToolAlertCount>();
    for (const { alert } of this.state.alerts.values()) {
      if (!alert.tool || !statuses.includes(alert.status ?? 'open')) continue;
      if ((scope.server !== undefined && alert.server !== scope.server) || (scope.tool !== undefined && alert.tool !== scope.tool)) continue;
      const key = `${alert.server}\u0000${alert.tool}`;
      const entry = counts.get(key) ?? { server: alert.server, tool: alert.tool, count: 0 };
      entry.count += 1;
      counts.set(key, entry);
    }
    return [...counts.values()].sort((a, b) => compareKeys([a.server, a.tool], [b.server, b.tool]));
  }

  private matcher(range: { from?: string | undefined; to?: string | undefined }): (row: AlertRow) => boolean {
    const { fromMs, toMs } = rangeMs(range);
    return ({ tsMs }) => (fromMs === undefined || tsMs >= fromMs) && (toMs === undefined || tsMs < toMs);
  }
}
