import type { Client, estypes } from '@elastic/elasticsearch';
import { createHash } from 'node:crypto';
import type { Page } from '@palisade/schema';
import { decodeCursor, encodeCursor, type CursorShape, type CursorValue } from '../shared/cursor.js';
import { chunks } from '../shared/chunks.js';
import type { MalformedRowCounter } from '../shared/malformed-row.counter.js';
import { pageLimit, toPage } from '../shared/paging.js';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { BulkWriter, type Refresh } from './bulk.writer.js';
import type { ElasticsearchIndices } from './elasticsearch.indices.js';
import { backoffDelay, describeError, isRetryableError, type RetryPolicy } from './retry.policy.js';

export type Query = estypes.QueryDslQueryContainer;
export type Hit = estypes.SearchHit<Record<string, unknown>>;

/** A sorted list: its cursor tag, its sort (the last field unique) and the cursor's value types. */
export interface SortedList {
  list: string;
  sort: { field: string; order: 'asc' | 'desc' }[];
  shape: CursorShape;
}

/** Wait between looks at a running delete-by-query task. */
const DELETE_TASK_POLL_MS = 1000;

/** Hits per request when reading everything of a small index or scanning for exports. */
const SCAN_PAGE = 1000;

/** Ids per multi-get request. */
export const MGET_IDS = 1000;

/** What every Elasticsearch repository shares: the client, index names, the bulk writer, retries. */
export class ElasticsearchContext {
  readonly bulk: BulkWriter;

  constructor(
    readonly client: Client,
    readonly indices: ElasticsearchIndices,
    readonly rows: MalformedRowCounter,
    readonly policy: RetryPolicy,
    /** Refresh for pipeline writes (events, alerts, engine state): `false` relies on the 1 s refresh interval. */
    readonly refresh: Refresh,
    readonly eventTextChars: number,
    /** Largest body of one bulk request (default `DEFAULT_BULK_MAX_BYTES`). */
    bulkMaxBytes?: number,
  ) {
    this.bulk = new BulkWriter(client, policy, bulkMaxBytes, indices.name('refused'));
  }

  /**
   * Runs one request, trying again with backoff when Elasticsearch is overloaded (429/503) or out of
   * reach; fails with a one-line `StoreError` naming what was being done.
   */
  async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        if (error instanceof StoreError) throw error;
        if (!isRetryableError(error)) throw new StoreError(StoreErrorCode.Backend, `elasticsearch ${what} failed: ${describeError(error)}`, { cause: error });
        if (attempt >= this.policy.maxAttempts) {
          throw new StoreError(StoreErrorCode.Unavailable, `elasticsearch ${what} gave up after ${attempt} attempts: ${describeError(error)}`, { cause: error });
        }
        await this.policy.sleep(backoffDelay(this.policy, attempt));
      }
    }
  }

  /**
   * Deletes what a query matches, as a task followed to its end: a retention delete over a large index
   * outlasts the client's 30 s request timeout, and sending the request again would start a second
   * delete beside the first, still running. Returns the number of documents deleted.
   */
  async deleteByQuery(what: string, index: string, query: Query): Promise<number> {
    const started = await this.call(`start ${what}`, () => this.client.deleteByQuery({ index, query, conflicts: 'proceed', refresh: true, wait_for_completion: false }, { maxRetries: 0 }));
    const task = started.task;
    if (task === undefined) throw new StoreError(StoreErrorCode.Backend, `elasticsearch ${what}: no task id in the answer`);
    for (let poll = 0; ; poll += 1) {
      if (poll > 0) await this.policy.sleep(DELETE_TASK_POLL_MS);
      const status = await this.call(`follow ${what}`, () => this.client.tasks.get({ task_id: String(task) }, { maxRetries: 0 }));
      if (!status.completed) continue;
      if (status.error) throw new StoreError(StoreErrorCode.Backend, `elasticsearch ${what} failed: ${status.error.type} ${status.error.reason ?? ''}`.trim());
      const deleted = (status.response as { deleted?: unknown } | undefined)?.deleted;
      return typeof deleted === 'number' ? deleted : 0;
    }
  }

  /** One page of a list, newest first, with `search_after` from the cursor and the exact total. */
  async page<Item>(index: string, query: Query, spec: SortedList, options: { cursor?: string | undefined; limit?: number | undefined }, decode: (hit: Hit) => Item | null): Promise<Page<Item>> {
    const limit = pageLimit(options.limit);
    const after = options.cursor ? decodeCursor(options.cursor, spec.list, spec.shape) : undefined;
    const response = await this.call(`search ${index}`, () =>
      this.client.search<Record<string, unknown>>(
        {
          index,
          query,
          sort: spec.sort.map(({ field, order }) => ({ [field]: { order } })),
          size: limit + 1,
          track_total_hits: true,
          ignore_unavailable: true,
          allow_no_indices: true,
          ...(after ? { search_after: after } : {}),
        },
        { maxRetries: 0 },
      ),
    );
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return toPage(response.hits.hits, limit, total, decode, (hit) => encodeCursor(spec.list, (hit.sort ?? []) as CursorValue[]));
  }

  /**
   * Every hit of a query in sort order, `size` at a time (`search_after`); with `seqNoPrimaryTerm`, each
   * hit's `_seq_no` and `_primary_term`, for writes conditional on the document being the one read.
   */
  async *scan(index: string, query: Query, sort: SortedList['sort'], size = SCAN_PAGE, options: { seqNoPrimaryTerm?: boolean } = {}): AsyncIterable<Hit[]> {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const response = await this.call(`scan ${index}`, () =>
        this.client.search<Record<string, unknown>>(
          {
            index,
            query,
            sort: sort.map(({ field, order }) => ({ [field]: { order } })),
            size,
            track_total_hits: false,
            ignore_unavailable: true,
            allow_no_indices: true,
            ...(options.seqNoPrimaryTerm ? { seq_no_primary_term: true } : {}),
            ...(after ? { search_after: after } : {}),
          },
          { maxRetries: 0 },
        ),
      );
      const hits = response.hits.hits;
      if (hits.length > 0) yield hits;
      const last = hits.at(-1);
      if (!last?.sort || hits.length < size) return;
      after = last.sort;
    }
  }

  /** Every hit of a small index (settings, pins, baselines), in sort order. */
  async all(index: string, query: Query, sort: SortedList['sort']): Promise<Hit[]> {
    const hits: Hit[] = [];
    for await (const page of this.scan(index, query, sort)) hits.push(...page);
    return hits;
  }

  /** A document by id (real time), or null. */
  async getSource(index: string, id: string): Promise<Record<string, unknown> | null> {
    const response = await this.call(`get ${index}`, () => this.client.get<Record<string, unknown>>({ index, id }, { maxRetries: 0, ignore: [404] }));
    return response.found && response._source ? response._source : null;
  }

  /**
   * Documents by id (real time), in the order asked; missing ones are left out. Thousands of ids go in
   * several requests of `MGET_IDS`, so no request body grows with the caller's list.
   */
  async getSources(index: string, ids: readonly string[]): Promise<Record<string, unknown>[]> {
    const sources: Record<string, unknown>[] = [];
    for (const chunk of chunks(ids, MGET_IDS)) {
      const response = await this.call(`mget ${index}`, () => this.client.mget<Record<string, unknown>>({ index, ids: chunk }, { maxRetries: 0, ignore: [404] }));
      for (const doc of response.docs ?? []) if ('found' in doc && doc.found && doc._source) sources.push(doc._source);
    }
    return sources;
  }

  /** The record at `path` of a `_source`, or null, counted as malformed, when it is missing or misshapen. */
  recordAt<T>(source: Record<string, unknown> | null | undefined, path: string, isValid: (value: unknown) => boolean): T | null {
    const value = sourceAt(source ?? undefined, path);
    return isValid(value) ? (value as T) : this.rows.skip();
  }

  /** Writes one document, visible to search on return (interactive writes: API updates). */
  async put(index: string, id: string, document: unknown): Promise<void> {
    await this.call(`index ${index}`, () => this.client.index({ index, id, document, refresh: 'wait_for' }, { maxRetries: 0 }));
  }
}

/** Elasticsearch refuses an `_id` longer than this many bytes (in a bulk, the whole request, with a 400). */
export const MAX_ID_BYTES = 512;

/**
 * A document id for a free-form key: the key itself, or its SHA-256 when longer than `maxBytes` (at most
 * `MAX_ID_BYTES`). Engine state and settings hash beyond 256 bytes, as they always did; tool documents use
 * the full 512 so that every id they could be written under before stays the same.
 */
export function keyId(key: string, maxBytes = 256): string {
  return Buffer.byteLength(key) <= Math.min(maxBytes, MAX_ID_BYTES) ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The `_id` of a server/tool document (pins, baselines) and of a tool's definition version. */
export function toolDocId(server: string, tool: string, hash?: string): string {
  return keyId(hash === undefined ? `${server}/${tool}` : `${server}/${tool}/${hash}`, MAX_ID_BYTES);
}

/** `term` filters for the given fields whose value is set; `null` asks for a missing field. */
export function termFilters(fields: Record<string, string | number | null | undefined>): Query[] {
  return Object.entries(fields).flatMap(([field, value]): Query[] => {
    if (value === undefined) return [];
    if (value === null) return [{ bool: { must_not: [{ exists: { field } }] } }];
    return [{ term: { [field]: value } }];
  });
}

/** A `range` filter on a date field, bounds in epoch milliseconds, when a bound is given. */
export function msRange(field: string, bounds: { gte?: number | undefined; lt?: number | undefined; lte?: number | undefined }): Query[] {
  const range = Object.fromEntries(Object.entries(bounds).filter(([, value]) => value !== undefined));
  return Object.keys(range).length ? [{ range: { [field]: { ...range, format: 'epoch_millis' } } }] : [];
}

/** A `range` filter on a numeric field (epoch milliseconds kept as a `long`), when a bound is given; numbers take no `format`. */
export function numberRange(field: string, bounds: { gte?: number | undefined; lt?: number | undefined }): Query[] {
  const range = Object.fromEntries(Object.entries(bounds).filter(([, value]) => value !== undefined));
  return Object.keys(range).length ? [{ range: { [field]: range } }] : [];
}

/**
 * An ISO-8601 timestamp as an Elasticsearch `date` field takes it. The schema accepts any number of
 * fraction digits; Elasticsearch's default date format parses at most nine and refuses the whole
 * document beyond that (400), which would fail its batch on every delivery. Digits below a nanosecond
 * are dropped; every other timestamp is left exactly as it was.
 */
export function esDate(iso: string): string {
  return iso.replace(/(\.\d{9})\d+/, '$1');
}

/** The value of a dotted path inside a `_source`. */
export function sourceAt(source: Record<string, unknown> | undefined, path: string): unknown {
  let value: unknown = source;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}
