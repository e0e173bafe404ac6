import type { estypes } from '@elastic/elasticsearch';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs } from '../shared/time.js';
import type { OutboxItem, OutboxRepository } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { type ElasticsearchContext, type Hit, type Query } from './elasticsearch.context.js';

const isItem = hasStringKeys('id', 'kind', 'destination', 'status', 'nextAttemptAt');

/**
 * Deliveries waiting to go out, `_id` = item id. Writes wait for the refresh, so an item enqueued by a
 * batch is due to the very next sweep (webhooks must leave within seconds of the decision).
 */
export class ElasticsearchOutboxRepository implements OutboxRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async enqueue(items: readonly OutboxItem[]): Promise<void> {
    if (items.length) await this.ctx.bulk.write(items.map((item) => this.action(item)), 'wait_for');
  }

  async due(now: string, limit: number): Promise<OutboxItem[]> {
    return this.search([{ term: { status: 'pending' } }, { range: { nextAttemptMs: { lte: instantMs(now, 'now') } } }], [{ nextAttemptMs: { order: 'asc' } }, { createdMs: { order: 'asc' } }, { id: { order: 'asc' } }], limit);
  }

  async pending(limit: number): Promise<OutboxItem[]> {
    return this.search([{ term: { status: 'pending' } }], [{ createdMs: { order: 'asc' } }, { id: { order: 'asc' } }], limit);
  }

  async update(item: OutboxItem): Promise<void> {
    await this.ctx.put(this.index(), item.id, this.document(item));
  }

  async get(id: string): Promise<OutboxItem | null> {
    const source = await this.ctx.getSource(this.index(), id);
    return source === null ? null : this.ctx.recordAt<OutboxItem>(source, 'doc', isItem);
  }

  /** The idempotent `create` of an item: one already queued is left as it is. */
  action(item: OutboxItem): BulkAction {
    return { op: 'create', index: this.index(), id: item.id, document: this.document(item) };
  }

  private document(item: OutboxItem): Record<string, unknown> {
    return {
      id: item.id,
      status: item.status,
      nextAttemptMs: instantMs(item.nextAttemptAt, `outbox ${item.id} nextAttemptAt`),
      createdMs: instantMs(item.createdAt, `outbox ${item.id} createdAt`),
      doc: item,
    };
  }

  private index(): string {
    return this.ctx.indices.name('outbox');
  }

  private async search(filter: Query[], sort: estypes.SortCombinations[], limit: number): Promise<OutboxItem[]> {
    const size = Math.max(0, Math.trunc(limit));
    if (size === 0) return [];
    const response = await this.ctx.call('search outbox', () => this.ctx.client.search<Record<string, unknown>>({ index: this.index(), query: { bool: { filter } }, sort, size }, { maxRetries: 0 }));
    return response.hits.hits.flatMap((hit) => this.decode(hit) ?? []);
  }

  private decode(hit: Hit): OutboxItem | null {
    return this.ctx.recordAt<OutboxItem>(hit._source, 'doc', isItem);
  }
}
