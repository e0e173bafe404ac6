import { AUDIT_GENESIS_HASH, type AuditEntry, type AuditEntryInput, type AuditQuery, type Page } from '@palisade/schema';
import { linkAuditEntries, type AuditChainEnd } from '../shared/audit-chain.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { AuditRepository, TimeRange } from '../store.port.js';
import { keysetPage, keysetScan, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const AUDIT: KeysetList = { list: 'audit', table: 'audit', keys: [{ column: 'seq', type: 'number' }] };
const isEntry = hasStringKeys('ts', 'action', 'hash', 'prevHash');

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async append(entries: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    return this.ctx.write(() => this.appendNow(entries));
  }

  /** Chains and inserts the entries; the caller holds the (IMMEDIATE) write transaction, so no other writer can interleave. */
  appendNow(inputs: readonly AuditEntryInput[]): AuditEntry[] {
    if (inputs.length === 0) return [];
    const end = (this.ctx.statement('SELECT seq, hash FROM audit_chain WHERE id = 1').get() as AuditChainEnd | undefined) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
    const entries = linkAuditEntries(end, inputs);
    const insert = this.ctx.statement('INSERT INTO audit (seq, ts_ms, action, target, doc) VALUES (?, ?, ?, ?, ?)');
    for (const entry of entries) insert.run(entry.seq, instantMs(entry.ts, `audit entry ${entry.seq} ts`), entry.action, entry.target, JSON.stringify(entry));
    const last = entries[entries.length - 1];
    if (last) {
      this.ctx
        .statement('INSERT INTO audit_chain (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash')
        .run(last.seq, last.hash);
    }
    return entries;
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const filter = new SqlFilter().equals('action', query.action).equals('target', query.target).timeRange('ts_ms', query);
    return keysetPage(this.ctx, AUDIT, filter, query, (doc) => this.decode(doc));
  }

  scan(range: TimeRange, batchSize = 1000): AsyncIterable<AuditEntry[]> {
    const { fromMs, toMs } = rangeMs(range);
    const first = this.ctx.pluck('SELECT min(seq) FROM audit WHERE ts_ms >= ?').get(fromMs ?? Number.MIN_SAFE_INTEGER) as number | null;
    const last = this.ctx.pluck('SELECT max(seq) FROM audit WHERE ts_ms < ?').get(toMs ?? Number.MAX_SAFE_INTEGER) as number | null;
    const filter = first === null || last === null ? new SqlFilter().add('0') : new SqlFilter().add('seq BETWEEN ? AND ?', first, last);
    return keysetScan(this.ctx, AUDIT, filter, batchSize, (doc) => this.decode(doc));
  }

  async head(): Promise<AuditEntry | null> {
    const doc = this.ctx.pluck('SELECT doc FROM audit ORDER BY seq DESC LIMIT 1').get();
    return doc === undefined ? null : this.decode(doc);
  }

  async deleteBefore(ts: string): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    return this.ctx.write(() => {
      const keepFrom = this.ctx.pluck('SELECT min(seq) FROM audit WHERE ts_ms >= ?').get(cut) as number | null;
      return keepFrom === null ? this.ctx.statement('DELETE FROM audit').run().changes : this.ctx.statement('DELETE FROM audit WHERE seq < ?').run(keepFrom).changes;
    });
  }

  private decode(doc: unknown): AuditEntry | null {
    return this.ctx.rows.parse<AuditEntry>(doc, isEntry);
  }
}
