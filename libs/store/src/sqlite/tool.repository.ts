import { type Page, ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs } from '../shared/time.js';
import { isReferenced } from '../shared/version-retention.js';
import type { ToolRepository, ToolVersionQuery, VersionReferences } from '../store.port.js';
import { keysetPage, placeholders, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

/** A tool's versions newest first; `rowid` (insertion order) breaks ties between versions first seen together. */
const VERSIONS: KeysetList = {
  list: 'tool-versions',
  table: 'tool_versions',
  keys: [
    { column: 'first_seen_ms', type: 'number' },
    { column: 'rowid', type: 'number' },
  ],
};

/**
 * Versions retention may delete: last seen before the cut-off, neither the first nor the latest of their
 * tool, neither its pinned nor its current definition. Evidence references are checked after, in code.
 */
const PRUNABLE_VERSIONS = `
  SELECT v.rowid AS id, v.hash AS hash, json_extract(v.doc, '$.eventId') AS eventId FROM tool_versions AS v
  WHERE v.last_seen_ms < ?
    AND v.rowid <> (SELECT f.rowid FROM tool_versions AS f WHERE f.server = v.server AND f.tool = v.tool ORDER BY f.first_seen_ms, f.rowid LIMIT 1)
    AND v.rowid <> (SELECT l.rowid FROM tool_versions AS l WHERE l.server = v.server AND l.tool = v.tool ORDER BY l.first_seen_ms DESC, l.rowid DESC LIMIT 1)
    AND NOT EXISTS (
      SELECT 1 FROM tool_pins AS p WHERE p.server = v.server AND p.tool = v.tool
        AND v.hash IN (coalesce(json_extract(p.doc, '$.pinnedHash'), ''), coalesce(json_extract(p.doc, '$.currentHash'), ''))
    )
    AND v.rowid > ?
  ORDER BY v.rowid
  LIMIT ?`;
/** Rows read, and deleted, per transaction of a retention run. */
const DELETE_CHUNK = 500;

export class SqliteToolRepository implements ToolRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async list(): Promise<ToolPin[]> {
    return this.decodePins(this.ctx.pluck('SELECT doc FROM tool_pins ORDER BY server, tool').all());
  }

  async get(server: string, tool: string): Promise<ToolPin | null> {
    const doc = this.ctx.pluck('SELECT doc FROM tool_pins WHERE server = ? AND tool = ?').get(server, tool);
    return doc === undefined ? null : this.ctx.rows.parseWith(doc, ToolPin);
  }

  async upsert(pin: ToolPin): Promise<void> {
    this.upsertNow(pin);
  }

  upsertNow(pin: ToolPin): void {
    this.ctx
      .statement('INSERT INTO tool_pins (server, tool, doc) VALUES (?, ?, ?) ON CONFLICT (server, tool) DO UPDATE SET doc = excluded.doc')
      .run(pin.server, pin.tool, JSON.stringify(pin));
  }

  async versions(server: string, tool: string, query: ToolVersionQuery = {}): Promise<Page<ToolVersion>> {
    const filter = new SqlFilter().equals('server', server).equals('tool', tool).timeRange('first_seen_ms', query);
    return keysetPage(this.ctx, VERSIONS, filter, query, (doc) => this.ctx.rows.parseWith(doc, ToolVersion));
  }

  async version(server: string, tool: string, hash: string): Promise<ToolVersion | null> {
    const doc = this.ctx.pluck('SELECT doc FROM tool_versions WHERE server = ? AND tool = ? AND hash = ?').get(server, tool, hash);
    return doc === undefined ? null : this.ctx.rows.parseWith(doc, ToolVersion);
  }

  /** In chunks of rows, each its own transaction, so a first run over a long history never holds the write lock for long. */
  async deleteVersionsBefore(ts: string, keep: VersionReferences): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    let deleted = 0;
    for (let after = 0; ; ) {
      // Read and deleted in one transaction: a batch writing in between cannot make a chunk's pick stale.
      const chunk = this.ctx.write(() => {
        const rows = this.ctx.statement(PRUNABLE_VERSIONS).all(before, after, DELETE_CHUNK) as { id: number; hash: string; eventId: unknown }[];
        const ids = rows.filter((row) => !isReferenced({ hash: row.hash, eventId: String(row.eventId) }, keep)).map((row) => row.id);
        const removed = ids.length > 0 ? this.ctx.statement(`DELETE FROM tool_versions WHERE rowid IN (${placeholders(ids.length)})`).run(...ids).changes : 0;
        return { last: rows.at(-1)?.id, removed };
      });
      deleted += chunk.removed;
      if (chunk.last === undefined) return deleted;
      after = chunk.last;
    }
  }

  async addVersion(version: ToolVersion): Promise<void> {
    this.addVersionNow(version);
  }

  addVersionNow(version: ToolVersion): void {
    const what = `tool version ${version.server}/${version.tool}`;
    this.ctx
      .statement(
        `INSERT INTO tool_versions (server, tool, hash, first_seen_ms, last_seen_ms, doc) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (server, tool, hash) DO UPDATE SET
           doc = CASE WHEN excluded.last_seen_ms > last_seen_ms THEN json_set(doc, '$.lastSeen', json_extract(excluded.doc, '$.lastSeen')) ELSE doc END,
           last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
      )
      .run(version.server, version.tool, version.hash, instantMs(version.firstSeen, `${what} firstSeen`), instantMs(version.lastSeen, `${what} lastSeen`), JSON.stringify(version));
  }

  private decodePins(docs: unknown[]): ToolPin[] {
    return docs.flatMap((doc) => this.ctx.rows.parseWith(doc, ToolPin) ?? []);
  }
}
