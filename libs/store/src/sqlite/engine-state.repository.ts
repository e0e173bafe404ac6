import { type EngineStateEntry, type EngineStateRepository, type EngineStateWrite, engineStateJson } from '../store.port.js';
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
