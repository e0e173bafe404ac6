import { type EventQuery, type Page, type TelemetryEvent } from '@palisade/schema';
import { chunks } from '../shared/chunks.js';
import { eventSearchText } from '../shared/event-text.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { parseTextQuery } from '../shared/text-query.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { EventRepository, TimeRange } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { msRange, termFilters, type ElasticsearchContext, type Hit, type Query, type SortedList } from './elasticsearch.context.js';
import { textQuery } from './text.query.js';

const NEWEST_FIRST: SortedList = {
  list: 'events',
  sort: [
    { field: '@timestamp', order: 'desc' },
    { field: 'event.id', order: 'desc' },
  ],
  shape: ['number', 'string'],
};
const OLDEST_FIRST = NEWEST_FIRST.sort.map(({ field }) => ({ field, order: 'asc' as const }));
const isEvent = hasStringKeys('id', 'ts', 'mcp.method.name');
const OUTCOME: Record<string, string> = { ok: 'success', tool_error: 'failure', error: 'failure', blocked: 'failure', timeout: 'failure', disconnected: 'failure', sent: 'unknown' };

/**
 * Events in daily indices (`palisade-events-YYYY.MM.DD`, by the event's UTC day) read through the
 * `palisade-events` alias; `_id` is the event id and writes are `create`, so a replayed event is
 * stored once. Reads by id go through search: they see an event within the 1 s refresh interval.
 */
export class ElasticsearchEventRepository implements EventRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async filterNew(ids: readonly string[]): Promise<Set<string>> {
    const fresh = new Set(ids);
    for (const chunk of chunks(ids, 1000)) {
      const response = await this.ctx.call('search events', () =>
        this.ctx.client.search(
          { index: this.alias(), query: { ids: { values: chunk } }, _source: false, size: chunk.length, ignore_unavailable: true, allow_no_indices: true },
          { maxRetries: 0 },
        ),
      );
      for (const hit of response.hits.hits) if (hit._id) fresh.delete(hit._id);
    }
    return fresh;
  }

  async insertMany(events: readonly TelemetryEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const outcomes = await this.ctx.bulk.write(events.map((event) => this.action(event)), this.ctx.refresh);
    return outcomes.filter((outcome) => outcome === 'written').length;
  }

  async get(id: string): Promise<TelemetryEvent | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<TelemetryEvent[]> {
    const found = new Map<string, TelemetryEvent>();
    for (const chunk of chunks(ids, 1000)) {
      const hits = await this.ctx.all(this.alias(), { ids: { values: chunk } }, NEWEST_FIRST.sort);
      for (const hit of hits) {
        const event = this.decode(hit);
        if (event) found.set(event.id, event);
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async search(query: EventQuery): Promise<Page<TelemetryEvent>> {
    const must = textQuery('palisade.text', parseTextQuery(query.q));
    return this.ctx.page(this.alias(), { bool: { filter: this.filter(query), must } }, NEWEST_FIRST, query, (hit) => this.decode(hit));
  }

  async *scan(range: TimeRange, batchSize = 1000): AsyncIterable<TelemetryEvent[]> {
    for await (const hits of this.ctx.scan(this.alias(), { bool: { filter: this.filter(range) } }, OLDEST_FIRST, batchSize)) {
      yield hits.flatMap((hit) => this.decode(hit) ?? []);
    }
  }

  /** Deletes whole daily indices before the cut-off's day, and the older events of that day by query. */
  async deleteBefore(ts: string): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    const indices = await this.ctx.call('list event indices', () =>
      this.ctx.client.indices.get({ index: `${this.alias()}-*`, ignore_unavailable: true, allow_no_indices: true, features: ['settings'] }, { maxRetries: 0 }),
    );
    let deleted = 0;
    const expired = Object.keys(indices).filter((index) => {
      const day = this.ctx.indices.dayOf('events', index);
      return day !== null && day + 86_400_000 <= cut;
    });
    for (const index of expired) {
      deleted += (await this.ctx.call(`count ${index}`, () => this.ctx.client.count({ index }, { maxRetries: 0 }))).count;
      await this.ctx.call(`delete ${index}`, () => this.ctx.client.indices.delete({ index }, { maxRetries: 0 }));
    }
    const boundary = this.ctx.indices.daily('events', cut);
    if (boundary in indices && !expired.includes(boundary)) {
      deleted += await this.ctx.deleteByQuery(`delete old events of ${boundary}`, boundary, { bool: { filter: msRange('@timestamp', { lt: cut }) } });
    }
    return deleted;
  }

  async count(): Promise<number> {
    return (await this.ctx.call('count events', () => this.ctx.client.count({ index: this.alias(), ignore_unavailable: true, allow_no_indices: true }, { maxRetries: 0 }))).count;
  }

  /** The bulk `create` of an event into its day's index. */
  action(event: TelemetryEvent): BulkAction {
    const tsMs = instantMs(event.ts, `event ${event.id} ts`);
    // ECS `event.duration` is in nanoseconds, mapped as `long`: Elasticsearch refuses the whole document
    // when a value is outside a signed 64-bit integer, and the schema bounds no duration. One beyond what a
    // double holds exactly (2^53 ns, about 104 days) is left out here; the event keeps it as captured.
    const nanos = event['palisade.duration_ms'] === undefined ? undefined : Math.round(event['palisade.duration_ms'] * 1e6);
    const duration = nanos !== undefined && Number.isSafeInteger(nanos) ? nanos : undefined;
    return {
      op: 'create',
      index: this.ctx.indices.daily('events', tsMs),
      id: event.id,
      document: {
        '@timestamp': new Date(tsMs).toISOString(),
        event: { id: event.id, kind: 'event', outcome: OUTCOME[event['palisade.outcome']] ?? 'unknown', ...(duration === undefined ? {} : { duration }) },
        ...(event['host.name'] ? { host: { name: event['host.name'] } } : {}),
        mcp: { method: { name: event['mcp.method.name'] }, session: { id: event['mcp.session.id'] } },
        ...(event['gen_ai.tool.name'] ? { gen_ai: { tool: { name: event['gen_ai.tool.name'] } } } : {}),
        palisade: {
          server: { name: event['palisade.server.name'] },
          collector: { id: event['palisade.collector.id'] },
          ...(event['palisade.client.name'] ? { client: { name: event['palisade.client.name'] } } : {}),
          outcome: event['palisade.outcome'],
          text: eventSearchText(event, this.ctx.eventTextChars),
          event,
        },
      },
    };
  }

  private filter(query: Partial<EventQuery>): Query[] {
    const { fromMs, toMs } = rangeMs(query);
    return [
      ...termFilters({ 'palisade.server.name': query.server, 'gen_ai.tool.name': query.tool, 'mcp.session.id': query.session, 'mcp.method.name': query.method }),
      ...msRange('@timestamp', { gte: fromMs, lt: toMs }),
    ];
  }

  private alias(): string {
    return this.ctx.indices.name('events');
  }

  private decode(hit: Hit): TelemetryEvent | null {
    return this.ctx.recordAt<TelemetryEvent>(hit._source, 'palisade.event', isEvent);
  }
}
