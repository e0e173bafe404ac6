import type { ExportRecord, ExportState } from '@palisade/schema';
import { hasStringKeys } from './malformed-row.counter.js';
import { instantMs } from './time.js';

/** The list tag of export cursors. */
export const EXPORTS_LIST = 'exports';

/** What an export record must have to be listed: its id, and the times it sorts by. */
export const isExportRecord = hasStringKeys('id', 'createdAt');

/**
 * What an export's record is listed by: when it started (a record stored before `startedAt` existed, at
 * its `createdAt`) and its state (`done` for such a record, which had none). A record without a valid
 * time is refused.
 */
export function exportKeys(record: ExportRecord): { startedMs: number; state: ExportState } {
  const legacy = record as Partial<ExportRecord> & Pick<ExportRecord, 'id' | 'createdAt'>;
  return { startedMs: instantMs(legacy.startedAt ?? legacy.createdAt, `export ${record.id} startedAt`), state: legacy.state ?? 'done' };
}
