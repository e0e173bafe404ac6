import { severityRank, type Incident, type IncidentQuery, type Page, type TriageStatus } from '@palisade/schema';
import { incidentSearchText } from '../shared/incident-text.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { parseTextQuery } from '../shared/text-query.js';
import { instantMs } from '../shared/time.js';
import { ACTIVE_STATUSES, zeroStatusCounts } from '../shared/triage-status.js';
import type { IncidentRepository, TimeRange } from '../store.port.js';
import { ftsMatchExpression } from './fts.query.js';
import { docById, keysetPage, keysetScan, placeholders, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const BY_RECENT: KeysetList = {
  list: 'incidents',
  table: 'incidents',
  keys: [
    { column: 'last_seen_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
};
const BY_SEVERITY: KeysetList = {
  list: 'incidents-by-severity',
  table: 'incidents',
  keys: [{ column: 'severity_rank', type: 'number' }, ...BY_RECENT.keys],
};
const BY_FIRST_SEEN = {
  table: 'incidents',
  keys: [
    { column: 'first_seen_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
} as const;
const isIncident = hasStringKeys('id', 'title', 'status', 'severity', 'server', 'lastSeen');

export class SqliteIncidentRepository implements IncidentRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async upsert(incident: Incident): Promise<void> {
    this.ctx.write(() => this.upsertNow(incident));
  }

  /** Creates or replaces the incident with its category and text index rows; the caller holds the transaction. */
  upsertNow(incident: Incident): void {
    const rowid = this.ctx
      .pluck(
        `INSERT INTO incidents (id, status, severity_rank, assignee, server, tool, session, first_seen_ms, last_seen_ms, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity_rank = excluded.severity_rank,
           assignee = excluded.assignee, server = excluded.server, tool = excluded.tool, session = excluded.session,
           first_seen_ms = excluded.first_seen_ms, last_seen_ms = excluded.last_seen_ms, doc = excluded.doc
         RETURNING rowid`,
      )
      .get(
        incident.id,
        incident.status,
        severityRank(incident.severity),
        incident.assignee,
        incident.server,
        incident.tool,
        incident.sessionId,
        instantMs(incident.firstSeen, `incident ${incident.id} firstSeen`),
        instantMs(incident.lastSeen, `incident ${incident.id} lastSeen`),
        JSON.stringify(incident),
      ) as number;
    this.ctx.statement('DELETE FROM incident_categories WHERE incident_rowid = ?').run(rowid);
    const category = this.ctx.statement('INSERT OR IGNORE INTO incident_categories (category, incident_rowid) VALUES (?, ?)');
    for (const name of incident.categories) category.run(name, rowid);
    this.ctx.statement('DELETE FROM incidents_fts WHERE rowid = ?').run(rowid);
    this.ctx.statement('INSERT INTO incidents_fts (rowid, body) VALUES (?, ?)').run(rowid, incidentSearchText(incident));
  }

  async get(id: string): Promise<Incident | null> {
    return docById(this.ctx, 'incidents', id, (doc) => this.decode(doc));
  }

  async search(query: IncidentQuery): Promise<Page<Incident>> {
    const filter = this.filter(query)
      .equals('status', query.status)
      .equals('severity_rank', query.severity === undefined ? undefined : severityRank(query.severity))
      .equals('server', query.server)
      .equals('tool', query.tool)
      .equals('assignee', query.assignee);
    if (query.category) filter.add('rowid IN (SELECT incident_rowid FROM incident_categories WHERE category = ?)', query.category);
    const terms = parseTextQuery(query.q);
    if (terms.length) filter.add('rowid IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)', ftsMatchExpression(terms));
    return keysetPage(this.ctx, query.sort === 'severity' ? BY_SEVERITY : BY_RECENT, filter, query, (doc) => this.decode(doc));
  }

  async countByStatus(): Promise<Record<TriageStatus, number>> {
    const counts = zeroStatusCounts();
    const rows = this.ctx.statement('SELECT status, count(*) AS n FROM incidents GROUP BY status').all() as { status: TriageStatus; n: number }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async findOpen(key: { server: string; tool: string | null; sessionId: string | null | undefined }, since: string): Promise<Incident | null> {
    const anySession = key.sessionId === undefined;
    const doc = this.ctx
      .pluck(
        `SELECT doc FROM incidents WHERE server = ? AND tool IS ? ${anySession ? '' : 'AND session IS ?'} AND status IN (${placeholders(ACTIVE_STATUSES.length)})
         AND last_seen_ms >= ? ORDER BY last_seen_ms DESC, id DESC LIMIT 1`,
      )
      .get(key.server, key.tool, ...(anySession ? [] : [key.sessionId]), ...ACTIVE_STATUSES, instantMs(since, 'since'));
    return doc === undefined ? null : this.decode(doc);
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<Incident[]> {
    return keysetScan(this.ctx, BY_FIRST_SEEN, this.filter(range), batchSize, (doc) => this.decode(doc));
  }

  /** Incidents active in `[from, to)`: seen last at or after `from`, first before `to`. */
  private filter(range: { from?: string | undefined; to?: string | undefined }): SqlFilter {
    return new SqlFilter().timeRange('last_seen_ms', { from: range.from }).timeRange('first_seen_ms', { to: range.to });
  }

  private decode(doc: unknown): Incident | null {
    return this.ctx.rows.parse<Incident>(doc, isIncident);
  }
}
