import type { ExportQuery, ExportRecord, Page } from '@palisade/schema';
import { EXPORTS_LIST, exportKeys, isExportRecord } from '../shared/export-record.js';
import type { ExportRepository } from '../store.port.js';
import { docById, keysetPage, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const EXPORTS: KeysetList = {
  list: EXPORTS_LIST,
  table: 'exports',
  keys: [
    { column: 'started_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
};

export class SqliteExportRepository implements ExportRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async put(record: ExportRecord): Promise<void> {
    const { startedMs, state } = exportKeys(record);
    this.ctx
      .statement('INSERT INTO exports (id, started_ms, state, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET started_ms = excluded.started_ms, state = excluded.state, doc = excluded.doc')
      .run(record.id, startedMs, state, JSON.stringify(record));
  }

  async get<T extends ExportRecord = ExportRecord>(id: string): Promise<T | null> {
    return docById(this.ctx, 'exports', id, (doc) => this.decode<T>(doc));
  }

  async search<T extends ExportRecord = ExportRecord>(query: ExportQuery): Promise<Page<T>> {
    const filter = new SqlFilter().equals('state', query.state).timeRange('started_ms', query);
    return keysetPage(this.ctx, EXPORTS, filter, query, (doc) => this.decode<T>(doc));
  }

  private decode<T>(doc: unknown): T | null {
    return this.ctx.rows.parse<T>(doc, isExportRecord);
  }
}
