import { type EngineStateEntry, type EngineStateRepository, type EngineStateWrite, engineStateJson } from '../store.port.js';
import { chunks } from '../shared/chunks.js';
import { placeholders } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

export class SqliteEngineStateRepository implements EngineStateRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async loadAll(): Promise<EngineStateEntry[]> {
    const rows = this.ctx.statement('SELECT key, value FROM engine_state ORDER BY key').all() as { key: string; value: string }[];
    return rows.flatMap((row) => {
      const value = this.ctx.rows.parse<unknown>(row.value, (parsed) => parsed !== null);
      return value === null ? [] : [{ key: row.key, value }];
    });
  }

  async get(key: string): Promise<unknown | null> {
    const value = this.ctx.pluck('SELECT value FROM engine_state WHERE key = ?').get(key);
    return value === undefined ? null : this.ctx.rows.parse<unknown>(value, (parsed) => parsed !== null);
  }

  async getMany(keys: readonly string[]): Promise<EngineStateEntry[]> {
    const wanted = [...new Set(keys)];
    const found = new Map<string, unknown>();
    for (const chunk of chunks(wanted, 500)) {
      const rows = this.ctx.statement(`SELECT key, value FROM engine_state WHERE key IN (${placeholders(chunk.length)})`).all(...chunk) as { key: string; value: string }[];
      for (const row of rows) {
        const value = this.ctx.rows.parse<unknown>(row.value, (parsed) => parsed !== null);
        if (value !== null) found.set(row.key, value);
      }
    }
    return wanted.flatMap((key) => (found.has(key) ? [{ key, value: found.get(key) }] : []));
  }

  async put(entries: readonly EngineStateWrite[]): Promise<void> {
    this.ctx.write(() => this.putNow(entries));
  }

  putNow(entries: readonly EngineStateWrite[]): void {
    const upsert = this.ctx.statement('INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const remove = this.ctx.statement('DELETE FROM engine_state WHERE key = ?');
    for (const entry of entries) {
      const json = engineStateJson(entry);
      if (json === null) remove.run(entry.key);
      else upsert.run(entry.key, json);
    }
  }
}
