import type { EventQuery, Page, TelemetryEvent } from '@palisade/schema';
import { eventSearchText } from '../shared/event-text.js';
import { parseTextQuery, textWords } from '../shared/text-query.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { EventRepository, TimeRange } from '../store.port.js';
import { deleteWhere, pickByIds, matchesText, memoryPage, scanAscending } from './memory.list.js';
import { jsonCopy, type MemoryEventRow, type MemoryState } from './memory.state.js';

export class MemoryEventRepository implements EventRepository {
  constructor(private readonly state: MemoryState) {}

  async filterNew(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => !this.state.events.has(id)));
  }

  async insertMany(events: readonly TelemetryEvent[]): Promise<number> {
    return this.state.transaction(() => this.insertManyNow(events));
  }

  insertManyNow(events: readonly TelemetryEvent[]): number {
    let inserted = 0;
    for (const event of events) {
      const tsMs = instantMs(event.ts, `event ${event.id} ts`);
      if (this.state.events.has(event.id)) continue;
      const copy = jsonCopy(event);
      this.state.events.set(event.id, { event: copy, tsMs, words: textWords(eventSearchText(copy)) });
      inserted += 1;
    }
    return inserted;
  }

  async get(id: string): Promise<TelemetryEvent | null> {
    return pickByIds(this.state.events, [id], (row) => row.event)[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<TelemetryEvent[]> {
    return pickByIds(this.state.events, ids, (row) => row.event);
  }

  async search(query: EventQuery): Promise<Page<TelemetryEvent>> {
    const terms = parseTextQuery(query.q);
    const match = this.matcher(query);
    const rows = [...this.state.events.values()].filter((row) => match(row) && (terms.length === 0 || matchesText(row.words, terms)));
    return memoryPage(rows, 'events', ['number', 'string'], (row) => [row.tsMs, row.event.id], query, (row) => jsonCopy(row.event));
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<TelemetryEvent[]> {
    const rows = [...this.state.events.values()].filter(this.matcher(range));
    return scanAscending(rows, (row) => [row.tsMs, row.event.id], batchSize, (row) => jsonCopy(row.event));
  }

  async deleteBefore(ts: string): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    return deleteWhere(this.state.events, (row) => row.tsMs < before);
  }

  async count(): Promise<number> {
    return this.state.events.size;
  }

  private matcher(query: Partial<EventQuery>): (row: MemoryEventRow) => boolean {
    const { fromMs, toMs } = rangeMs(query);
    return ({ event, tsMs }) =>
      (query.server === undefined || event['palisade.server.name'] === query.server) &&
      (query.tool === undefined || event['gen_ai.tool.name'] === query.tool) &&
      (query.session === undefined || event['mcp.session.id'] === query.session) &&
      (query.method === undefined || event['mcp.method.name'] === query.method) &&
      (fromMs === undefined || tsMs >= fromMs) &&
      (toMs === undefined || tsMs < toMs);
  }
}
