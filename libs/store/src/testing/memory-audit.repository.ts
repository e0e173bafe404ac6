import type { AuditEntry, AuditEntryInput, AuditQuery, Page } from '@palisade/schema';
import { linkAuditEntries } from '../shared/audit-chain.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { AuditRepository, TimeRange } from '../store.port.js';
import { deleteWhere, memoryPage, scanAscending } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemoryAuditRepository implements AuditRepository {
  constructor(private readonly state: MemoryState) {}

  async append(entries: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    return this.state.transaction(() => this.appendNow(entries));
  }

  appendNow(inputs: readonly AuditEntryInput[]): AuditEntry[] {
    const entries = linkAuditEntries(this.state.chainEnd, inputs);
    for (const entry of entries) {
      instantMs(entry.ts, `audit entry ${entry.seq} ts`);
      this.state.audit.set(entry.seq, entry);
    }
    const last = entries.at(-1);
    if (last) this.state.chainEnd = { seq: last.seq, hash: last.hash };
    return entries.map(jsonCopy);
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const { fromMs, toMs } = rangeMs(query);
    const entries = [...this.state.audit.values()].filter((entry) => {
      const tsMs = Date.parse(entry.ts);
      return (
        (query.action === undefined || entry.action === query.action) &&
        (query.target === undefined || entry.target === query.target) &&
        (fromMs === undefined || tsMs >= fromMs) &&
        (toMs === undefined || tsMs < toMs)
      );
    });
    return memoryPage(entries, 'audit', ['number'], (entry) => [entry.seq], query, jsonCopy);
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<AuditEntry[]> {
    const { fromMs, toMs } = rangeMs(range);
    const entries = [...this.state.audit.values()];
    const seqs = (pick: (tsMs: number) => boolean): number[] => entries.filter((entry) => pick(Date.parse(entry.ts))).map((entry) => entry.seq);
    const starts = seqs((tsMs) => fromMs === undefined || tsMs >= fromMs);
    const ends = seqs((tsMs) => toMs === undefined || tsMs < toMs);
    const first = starts.length ? Math.min(...starts) : Number.POSITIVE_INFINITY;
    const last = ends.length ? Math.max(...ends) : Number.NEGATIVE_INFINITY;
    return scanAscending(
      entries.filter((entry) => entry.seq >= first && entry.seq <= last),
      (entry) => [entry.seq],
      batchSize,
      jsonCopy,
    );
  }

  async head(): Promise<AuditEntry | null> {
    const head = this.state.audit.get(Math.max(0, ...this.state.audit.keys()));
    return head ? jsonCopy(head) : null;
  }

  async deleteBefore(ts: string): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    const kept = [...this.state.audit.values()].filter((entry) => Date.parse(entry.ts) >= cut).map((entry) => entry.seq);
    const keepFrom = kept.length ? Math.min(...kept) : Number.POSITIVE_INFINITY;
    return deleteWhere(this.state.audit, (entry) => entry.seq < keepFrom);
  }
}
