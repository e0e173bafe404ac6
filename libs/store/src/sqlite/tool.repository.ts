import { ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs } from '../shared/time.js';
import type { ToolRepository } from '../store.port.js';
import type { SqliteContext } from './sqlite.context.js';

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

  async versions(server: string, tool: string): Promise<ToolVersion[]> {
    const docs = this.ctx.pluck('SELECT doc FROM tool_versions WHERE server = ? AND tool = ? ORDER BY first_seen_ms, rowid').all(server, tool);
    return docs.flatMap((doc) => this.ctx.rows.parseWith(doc, ToolVersion) ?? []);
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
