import { type EngineStateEntry, type EngineStateRepository, type EngineStateWrite, engineStateValue } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { keyId, sourceAt, type ElasticsearchContext } from './elasticsearch.context.js';

/** Engine checkpoints, `_id` = key; the value is kept whole (unindexed) as `{ value: { v } }`. */
export class ElasticsearchEngineStateRepository implements EngineStateRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  /**
   * Every checkpoint, read by search. A pipeline loads them when it starts and after a failed batch, and
   * its writes of engine state, events and alerts do not wait for the refresh (1 s; incidents, pins and
   * versions do): those indices are refreshed first, or a worker restoring just after a batch would miss
   * that batch's state (a pin, a baseline) and, deciding by search which events of the redelivered batch
   * are new, analyse written events a second time.
   */
  async loadAll(): Promise<EngineStateEntry[]> {
    const written = [this.index(), this.ctx.indices.name('events'), this.ctx.indices.name('alerts')];
    await this.ctx.call('refresh pipeline indices', () => this.ctx.client.indices.refresh({ index: written, ignore_unavailable: true, allow_no_indices: true }, { maxRetries: 0 }));
    const hits = await this.ctx.all(this.index(), { match_all: {} }, [{ field: 'key', order: 'asc' }]);
    return hits.flatMap((hit) => {
      const key = sourceAt(hit._source, 'key');
      const value = sourceAt(hit._source, 'value.v');
      return typeof key === 'string' && value !== undefined && value !== null ? [{ key, value }] : (this.ctx.rows.skip() ?? []);
    });
  }

  async get(key: string): Promise<unknown | null> {
    const source = await this.ctx.getSource(this.index(), keyId(key));
    return (sourceAt(source ?? undefined, 'value.v') as unknown) ?? null;
  }

  /** One real-time multi-get (a few for thousands of keys); each document names its key, so a hashed `_id` maps back. */
  async getMany(keys: readonly string[]): Promise<EngineStateEntry[]> {
    const wanted = [...new Set(keys)];
    const found = new Map<string, unknown>();
    for (const source of await this.ctx.getSources(this.index(), wanted.map((key) => keyId(key)))) {
      const key = sourceAt(source, 'key');
      const value = sourceAt(source, 'value.v');
      if (typeof key === 'string' && value !== undefined && value !== null) found.set(key, value);
      else this.ctx.rows.skip();
    }
    return wanted.flatMap((key) => (found.has(key) ? [{ key, value: found.get(key) }] : []));
  }

  async put(entries: readonly EngineStateWrite[]): Promise<void> {
    if (entries.length) await this.ctx.bulk.write(this.actions(entries), this.ctx.refresh);
  }

  actions(entries: readonly EngineStateWrite[]): BulkAction[] {
    return entries.map((entry): BulkAction => {
      const { key } = entry;
      const value = engineStateValue(entry);
      return value === null ? { op: 'delete', index: this.index(), id: keyId(key) } : { op: 'index', index: this.index(), id: keyId(key), document: { key, value: { v: value } } };
    });
  }

  private index(): string {
    return this.ctx.indices.name('engine-state');
  }
}
