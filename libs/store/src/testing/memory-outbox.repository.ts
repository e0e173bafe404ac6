import { instantMs } from '../shared/time.js';
import type { OutboxItem, OutboxRepository } from '../store.port.js';
import { compareKeys } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemoryOutboxRepository implements OutboxRepository {
  constructor(private readonly state: MemoryState) {}

  async enqueue(items: readonly OutboxItem[]): Promise<void> {
    this.state.transaction(() => this.enqueueNow(items));
  }

  enqueueNow(items: readonly OutboxItem[]): void {
    for (const item of items) {
      check(item);
      if (!this.state.outbox.has(item.id)) this.state.outbox.set(item.id, jsonCopy(item));
    }
  }

  async due(now: string, limit: number): Promise<OutboxItem[]> {
    const nowMs = instantMs(now, 'now');
    return [...this.state.outbox.values()]
      .filter((item) => item.status === 'pending' && Date.parse(item.nextAttemptAt) <= nowMs)
      .sort((a, b) => compareKeys([Date.parse(a.nextAttemptAt), Date.parse(a.createdAt), a.id], [Date.parse(b.nextAttemptAt), Date.parse(b.createdAt), b.id]))
      .slice(0, Math.max(0, Math.trunc(limit)))
      .map(jsonCopy);
  }

  async pending(limit: number): Promise<OutboxItem[]> {
    return [...this.state.outbox.values()]
      .filter((item) => item.status === 'pending')
      .sort((a, b) => compareKeys([Date.parse(a.createdAt), a.id], [Date.parse(b.createdAt), b.id]))
      .slice(0, Math.max(0, Math.trunc(limit)))
      .map(jsonCopy);
  }

  async update(item: OutboxItem): Promise<void> {
    check(item);
    this.state.outbox.set(item.id, jsonCopy(item));
  }

  async get(id: string): Promise<OutboxItem | null> {
    const item = this.state.outbox.get(id);
    return item ? jsonCopy(item) : null;
  }
}

function check(item: OutboxItem): void {
  instantMs(item.nextAttemptAt, `outbox ${item.id} nextAttemptAt`);
  instantMs(item.createdAt, `outbox ${item.id} createdAt`);
}
