import { severityRank, type Incident, type IncidentQuery, type Page, type TriageStatus } from '@palisade/schema';
import { incidentSearchText } from '../shared/incident-text.js';
import { parseTextQuery, textWords } from '../shared/text-query.js';
import { instantMs, rangeMs } from '../shared/time.js';
import { ACTIVE_STATUSES, zeroStatusCounts } from '../shared/triage-status.js';
import type { IncidentRepository, TimeRange } from '../store.port.js';
import { matchesText, memoryPage, scanAscending } from './memory.list.js';
import { jsonCopy, type MemoryIncidentRow, type MemoryState } from './memory.state.js';

export class MemoryIncidentRepository implements IncidentRepository {
  constructor(private readonly state: MemoryState) {}

  async upsert(incident: Incident): Promise<void> {
    this.upsertNow(incident);
  }

  upsertNow(incident: Incident): void {
    const copy = jsonCopy(incident);
    this.state.incidents.set(incident.id, {
      incident: copy,
      firstSeenMs: instantMs(incident.firstSeen, `incident ${incident.id} firstSeen`),
      lastSeenMs: instantMs(incident.lastSeen, `incident ${incident.id} lastSeen`),
      words: textWords(incidentSearchText(copy)),
    });
  }

  async get(id: string): Promise<Incident | null> {
    const row = this.state.incidents.get(id);
    return row ? jsonCopy(row.incident) : null;
  }

  async search(query: IncidentQuery): Promise<Page<Incident>> {
    const terms = parseTextQuery(query.q);
    const inRange = this.matcher(query);
    const rows = [...this.state.incidents.values()].filter(
      (row) =>
        inRange(row) &&
        (query.status === undefined || row.incident.status === query.status) &&
        (query.severity === undefined || row.incident.severity === query.severity) &&
        (query.category === undefined || row.incident.categories.includes(query.category)) &&
        (query.server === undefined || row.incident.server === query.server) &&
        (query.tool === undefined || row.incident.tool === query.tool) &&
        (query.assignee === undefined || row.incident.assignee === query.assignee) &&
        (terms.length === 0 || matchesText(row.words, terms)),
    );
    const item = (row: MemoryIncidentRow): Incident => jsonCopy(row.incident);
    return query.sort === 'severity'
      ? memoryPage(rows, 'incidents-by-severity', ['number', 'number', 'string'], (row) => [severityRank(row.incident.severity), row.lastSeenMs, row.incident.id], query, item)
      : memoryPage(rows, 'incidents', ['number', 'string'], (row) => [row.lastSeenMs, row.incident.id], query, item);
  }

  async countByStatus(): Promise<Record<TriageStatus, number>> {
    const counts = zeroStatusCounts();
    for (const { incident } of this.state.incidents.values()) counts[incident.status] += 1;
    return counts;
  }

  async findOpen(key: { server: string; tool: string | null; sessionId: string | null | undefined }, since: string): Promise<Incident | null> {
    const sinceMs = instantMs(since, 'since');
    const found = [...this.state.incidents.values()]
      .filter(
        ({ incident, lastSeenMs }) =>
          incident.server === key.server && incident.tool === key.tool && (key.sessionId === undefined || incident.sessionId === key.sessionId) && ACTIVE_STATUSES.includes(incident.status) && lastSeenMs >= sinceMs,
      )
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs || (a.incident.id < b.incident.id ? 1 : -1))[0];
    return found ? jsonCopy(found.incident) : null;
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<Incident[]> {
    const rows = [...this.state.incidents.values()].filter(this.matcher(range));
    return scanAscending(rows, (row) => [row.firstSeenMs, row.incident.id], batchSize, (row) => jsonCopy(row.incident));
  }

  private matcher(range: { from?: string | undefined; to?: string | undefined }): (row: MemoryIncidentRow) => boolean {
    const { fromMs, toMs } = rangeMs(range);
    return (row) => (fromMs === undefined || row.lastSeenMs >= fromMs) && (toMs === undefined || row.firstSeenMs < toMs);
  }
}
