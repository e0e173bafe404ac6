import type { ExportQuery, ExportRecord, Page } from '@palisade/schema';
import { EXPORTS_LIST, exportKeys } from '../shared/export-record.js';
import { rangeMs } from '../shared/time.js';
import type { ExportRepository } from '../store.port.js';
import { memoryPage } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemoryExportRepository implements ExportRepository {
  constructor(private readonly state: MemoryState) {}

  async put(record: ExportRecord): Promise<void> {
    const keys = exportKeys(record);
    this.state.exports.set(record.id, { record: jsonCopy(record), ...keys });
  }

  async get<T extends ExportRecord = ExportRecord>(id: string): Promise<T | null> {
    const row = this.state.exports.get(id);
    return row ? (jsonCopy(row.record) as T) : null;
  }

  async search<T extends ExportRecord = ExportRecord>(query: ExportQuery): Promise<Page<T>> {
    const { fromMs, toMs } = rangeMs(query);
    const rows = [...this.state.exports.values()].filter(
      (row) => (query.state === undefined || row.state === query.state) && (fromMs === undefined || row.startedMs >= fromMs) && (toMs === undefined || row.startedMs < toMs),
    );
    return memoryPage(rows, EXPORTS_LIST, ['number', 'string'], (row) => [row.startedMs, row.record.id], query, (row) => jsonCopy(row.record) as T);
  }
}
