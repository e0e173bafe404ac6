import type { SettingsRepository } from '../store.port.js';
import type { SqliteContext } from './sqlite.context.js';

export class SqliteSettingsRepository implements SettingsRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async get<T = unknown>(key: string): Promise<T | null> {
    const value = this.ctx.pluck('SELECT value FROM settings WHERE key = ?').get(key);
    return value === undefined ? null : this.ctx.rows.parse<T>(value, () => true);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.ctx.statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value ?? null));
  }

  async list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]> {
    // Keys starting with the prefix are contiguous in key order, from the prefix itself on.
    const entries: { key: string; value: T }[] = [];
    for (const row of this.ctx.statement('SELECT key, value FROM settings WHERE key >= ? ORDER BY key').iterate(prefix) as Iterable<{ key: string; value: string }>) {
      if (!row.key.startsWith(prefix)) break;
      const value = this.ctx.rows.parse<T>(row.value, () => true);
      if (value !== null || row.value === 'null') entries.push({ key: row.key, value: value as T });
    }
    return entries;
  }
}
