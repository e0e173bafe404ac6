import type { SettingsRepository } from '../store.port.js';
import { keyId, sourceAt, type ElasticsearchContext } from './elasticsearch.context.js';

/** Small named documents, `_id` = key; values kept whole (unindexed) as `{ value: { v } }`. */
export class ElasticsearchSettingsRepository implements SettingsRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async get<T = unknown>(key: string): Promise<T | null> {
    const source = await this.ctx.getSource(this.index(), keyId(key));
    return ((sourceAt(source ?? undefined, 'value.v') as T | undefined) ?? null) as T | null;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.ctx.put(this.index(), keyId(key), { key, value: { v: value ?? null } });
  }

  async list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]> {
    const hits = await this.ctx.all(this.index(), prefix ? { prefix: { key: prefix } } : { match_all: {} }, [{ field: 'key', order: 'asc' }]);
    return hits.flatMap((hit) => {
      const key = sourceAt(hit._source, 'key');
      return typeof key === 'string' ? [{ key, value: ((sourceAt(hit._source, 'value.v') as T | undefined) ?? null) as T }] : (this.ctx.rows.skip() ?? []);
    });
  }

  private index(): string {
    return this.ctx.indices.name('settings');
  }
}
