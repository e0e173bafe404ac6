import type { OutboxItem, OutboxRepository } from '../store.port.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs } from '../shared/time.js';
import type { SqliteContext } from './sqlite.context.js';

const isItem = hasStringKeys('id', 'kind', 'destination', 'status', 'nextAttemptAt');

export class SqliteOutboxRepository implements OutboxRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async enqueue(items: readonly OutboxItem[]): Promise<void> {
    this.ctx.write(() => this.enqueueNow(items));
  }

  enqueueNow(items: readonly OutboxItem[]): void {
    const insert = this.ctx.statement('INSERT INTO outbox (id, status, next_attempt_ms, created_ms, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    for (const item of items) insert.run(...this.columns(item));
  }

  async due(now: string, limit: number): Promise<OutboxItem[]> {
    return this.ctx
      .pluck("SELECT doc FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, created_ms, id LIMIT ?")
      .all(instantMs(now, 'now'), Math.max(0, Math.trunc(limit)))
      .flatMap((doc) => this.ctx.rows.parse<OutboxItem>(doc, isItem) ?? []);
  }

  async pending(limit: number): Promise<OutboxItem[]> {
    return this.ctx
      .pluck("SELECT doc FROM outbox WHERE status = 'pending' ORDER BY created_ms, id LIMIT ?")
      .all(Math.max(0, Math.trunc(limit)))
      .flatMap((doc) => this.ctx.rows.parse<OutboxItem>(doc, isItem) ?? []);
  }

  async update(item: OutboxItem): Promise<void> {
    this.ctx
      .statement(
        `INSERT INTO outbox (id, status, next_attempt_ms, created_ms, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_attempt_ms = excluded.next_attempt_ms, doc = excluded.doc`,
      )
      .run(...this.columns(item));
  }

  async get(id: string): Promise<OutboxItem | null> {
    const doc = this.ctx.pluck('SELECT doc FROM outbox WHERE id = ?').get(id);
    return doc === undefined ? null : this.ctx.rows.parse<OutboxItem>(doc, isItem);
  }

  private columns(item: OutboxItem): [string, string, number, number, string] {
    return [item.id, item.status, instantMs(item.nextAttemptAt, `outbox ${item.id} nextAttemptAt`), instantMs(item.createdAt, `outbox ${item.id} createdAt`), JSON.stringify(item)];
  }
}
