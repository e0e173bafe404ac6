import type { ExportQuery, ExportRecord, Page } from '@palisade/schema';
import { EXPORTS_LIST, exportKeys, isExportRecord } from '../shared/export-record.js';
import { rangeMs } from '../shared/time.js';
import type { ExportRepository } from '../store.port.js';
import { keyId, numberRange, sourceAt, termFilters, type ElasticsearchContext, type SortedList } from './elasticsearch.context.js';

const NEWEST_FIRST: SortedList = {
  list: EXPORTS_LIST,
  sort: [
    { field: 'startedMs', order: 'desc' },
    { field: 'id', order: 'desc' },
  ],
  shape: ['number', 'string'],
};

/** Settings keys export records were kept under before they had an index of their own. */
const LEGACY_PREFIX = 'export/';

/**
 * Compliance export records, `_id` = the export id: what lists sort and filter on (`startedMs`, `state`,
 * `id`) beside the record, kept whole and unindexed under `doc`. Written like other interactive writes:
 * visible to search on return.
 */
export class ElasticsearchExportRepository implements ExportRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async put(record: ExportRecord): Promise<void> {
    await this.ctx.put(this.index(), keyId(record.id), this.document(record));
  }

  async get<T extends ExportRecord = ExportRecord>(id: string): Promise<T | null> {
    const source = await this.ctx.getSource(this.index(), keyId(id));
    return source ? this.ctx.recordAt<T>(source, 'doc', isExportRecord) : null;
  }

  async search<T extends ExportRecord = ExportRecord>(query: ExportQuery): Promise<Page<T>> {
    const { fromMs, toMs } = rangeMs(query);
    const filter = [...termFilters({ state: query.state }), ...numberRange('startedMs', { gte: fromMs, lt: toMs })];
    return this.ctx.page(this.index(), { bool: { filter } }, NEWEST_FIRST, query, (hit) => this.ctx.recordAt<T>(hit._source, 'doc', isExportRecord));
  }

  /**
   * Moves the records an earlier Palisade kept as settings (`export/ID`) into this index: each is created
   * here unless a record with its id exists already (one written since is newer), then its setting is
   * deleted. Idempotent: a move cut short is finished by the next start. Returns how many were moved.
   */
  async adoptLegacy(): Promise<number> {
    const settings = this.ctx.indices.name('settings');
    const hits = await this.ctx.all(settings, { prefix: { key: LEGACY_PREFIX } }, [{ field: 'key', order: 'asc' }]);
    if (hits.length === 0) return 0;
    const creates = hits.flatMap((hit) => {
      const record = sourceAt(hit._source, 'value.v');
      if (!isExportRecord(record)) return [];
      try {
        const document = this.document(record as ExportRecord);
        return [{ op: 'create' as const, index: this.index(), id: keyId((record as ExportRecord).id), document }];
      } catch {
        return []; // no valid time to list it by: left where it was
      }
    });
    if (creates.length) await this.ctx.bulk.write(creates, 'wait_for');
    const moved = new Set(creates.map((create) => create.id));
    const deletes = hits.flatMap((hit) => {
      const key = sourceAt(hit._source, 'key');
      return typeof key === 'string' && hit._id !== undefined && moved.has(keyId(key.slice(LEGACY_PREFIX.length))) ? [{ op: 'delete' as const, index: settings, id: hit._id }] : [];
    });
    if (deletes.length) await this.ctx.bulk.write(deletes, 'wait_for');
    return creates.length;
  }

  private document(record: ExportRecord): Record<string, unknown> {
    const { startedMs, state } = exportKeys(record);
    return { id: record.id, startedMs, state, doc: record };
  }

  private index(): string {
    return this.ctx.indices.name('exports');
  }
}
