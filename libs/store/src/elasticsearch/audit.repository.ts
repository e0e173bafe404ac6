import { AUDIT_GENESIS_HASH, type AuditEntry, type AuditEntryInput, type AuditQuery, type Page } from '@palisade/schema';
import { linkAuditEntries, type AuditChainEnd } from '../shared/audit-chain.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs, rangeMs } from '../shared/time.js';
import { StoreError, StoreErrorCode } from '../store.error.js';
import type { AuditRepository, TimeRange } from '../store.port.js';
import { isConflict } from './retry.policy.js';
import { msRange, termFilters, type ElasticsearchContext, type Hit, type Query, type SortedList } from './elasticsearch.context.js';

const NEWEST_FIRST: SortedList = { list: 'audit', sort: [{ field: 'palisade.audit.seq', order: 'desc' }], shape: ['number'] };
const OLDEST_FIRST = [{ field: 'palisade.audit.seq', order: 'asc' as const }];
const isEntry = hasStringKeys('ts', 'action', 'hash', 'prevHash');
/** Entries probed per request when looking for the end of the chain. */
const PROBE = 16;
/** Lost races tolerated in one append before giving up (each means another writer appended first). */
const MAX_CONFLICTS = 100;

/**
 * The audit chain in one index, `_id` = sequence number, each entry written with `create`: two writers
 * can never both write entry N, so the chain cannot fork. A writer that loses the race (409) finds the
 * new end of the chain (real-time GETs) and links its entry after it. The last end written is kept as a
 * hint in `palisade-audit-head` (externally versioned by sequence number, so it never moves back).
 */
export class ElasticsearchAuditRepository implements AuditRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async append(inputs: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    let end = await this.chainEnd();
    linkAuditEntries(end, inputs); // refuses an invalid input before anything is written
    const written: AuditEntry[] = [];
    let conflicts = 0;
    for (const input of inputs) {
      for (;;) {
        const [entry] = linkAuditEntries(end, [input]) as [AuditEntry];
        if (await this.create(entry)) {
          written.push(entry);
          end = { seq: entry.seq, hash: entry.hash };
          break;
        }
        conflicts += 1;
        if (conflicts > MAX_CONFLICTS) throw new StoreError(StoreErrorCode.Unavailable, `audit append lost ${MAX_CONFLICTS} races for the end of the chain; try again`);
        end = await this.probe(end);
      }
    }
    await this.saveHead(end);
    return written;
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const { fromMs, toMs } = rangeMs(query);
    const filter = [...termFilters({ 'palisade.audit.action': query.action, 'palisade.audit.target': query.target }), ...msRange('@timestamp', { gte: fromMs, lt: toMs })];
    return this.ctx.page(this.index(), { bool: { filter } }, NEWEST_FIRST, query, (hit) => this.decode(hit));
  }

  async *scan(range: TimeRange, batchSize = 1000): AsyncIterable<AuditEntry[]> {
    const { fromMs, toMs } = rangeMs(range);
    const first = await this.edgeSeq(msRange('@timestamp', { gte: fromMs }), 'asc');
    const last = await this.edgeSeq(msRange('@timestamp', { lt: toMs }), 'desc');
    if (first === null || last === null || first > last) return;
    const query: Query = { range: { 'palisade.audit.seq': { gte: first, lte: last } } };
    for await (const hits of this.ctx.scan(this.index(), query, OLDEST_FIRST, batchSize)) yield hits.flatMap((hit) => this.decode(hit) ?? []);
  }

  async head(): Promise<AuditEntry | null> {
    const end = await this.chainEnd();
    if (end.seq === 0) return null;
    const source = await this.ctx.getSource(this.index(), String(end.seq));
    return source ? this.decodeSource(source) : null;
  }

  async deleteBefore(ts: string): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    await this.ctx.call('refresh audit', () => this.ctx.client.indices.refresh({ index: this.index() }, { maxRetries: 0 }));
    const keepFrom = await this.edgeSeq(msRange('@timestamp', { gte: cut }), 'asc');
    const query: Query = keepFrom === null ? { match_all: {} } : { range: { 'palisade.audit.seq': { lt: keepFrom } } };
    return this.ctx.deleteByQuery('delete old audit entries', this.index(), query);
  }

  /**
   * Writes entry N unless it exists: false when another writer got there first. A 409 can also answer
   * this writer's own create sent again (its first answer was lost on the way, or 503 after it landed):
   * entry N is then read back, and an entry with this entry's hash (which covers its content and the hash
   * before it) is this one, so it is not appended a second time after itself.
   */
  private async create(entry: AuditEntry): Promise<boolean> {
    try {
      await this.ctx.call('append audit entry', () =>
        this.ctx.client.create(
          { index: this.index(), id: String(entry.seq), document: { '@timestamp': new Date(instantMs(entry.ts, `audit entry ${entry.seq} ts`)).toISOString(), event: { sequence: entry.seq }, palisade: { audit: entry } }, refresh: this.ctx.refresh },
          { maxRetries: 0 },
        ),
      );
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
      const existing = await this.ctx.getSource(this.index(), String(entry.seq));
      return existing !== null && this.decodeSource(existing)?.hash === entry.hash;
    }
  }

  /** Where the chain ends: the head hint (or, without one, the highest entry searchable), then probed forward in real time. */
  private async chainEnd(): Promise<AuditChainEnd> {
    const hint = await this.ctx.getSource(this.headIndex(), 'head');
    let start: AuditChainEnd = { seq: 0, hash: AUDIT_GENESIS_HASH };
    if (hint && typeof hint['seq'] === 'number' && typeof hint['hash'] === 'string') {
      start = { seq: hint['seq'], hash: hint['hash'] };
    } else {
      const response = await this.ctx.call('search audit', () =>
        this.ctx.client.search<Record<string, unknown>>({ index: this.index(), sort: [{ 'palisade.audit.seq': { order: 'desc' } }], size: 1 }, { maxRetries: 0 }),
      );
      const top = response.hits.hits[0];
      const entry = top ? this.decode(top) : null;
      if (entry) start = { seq: entry.seq, hash: entry.hash };
    }
    return this.probe(start);
  }

  /** Follows the chain past `end` with real-time multi-GETs until an entry is missing. */
  private async probe(end: AuditChainEnd): Promise<AuditChainEnd> {
    let current = end;
    for (;;) {
      const ids = Array.from({ length: PROBE }, (_, index) => String(current.seq + 1 + index));
      const response = await this.ctx.call('probe audit', () => this.ctx.client.mget<Record<string, unknown>>({ index: this.index(), ids }, { maxRetries: 0 }));
      let found = 0;
      for (const doc of response.docs) {
        if (!('found' in doc) || !doc.found || !doc._source) break;
        const entry = this.decodeSource(doc._source);
        if (!entry) throw new StoreError(StoreErrorCode.Backend, `audit entry ${current.seq + 1} cannot be read back: the chain cannot be continued safely`);
        current = { seq: entry.seq, hash: entry.hash };
        found += 1;
      }
      if (found < PROBE) return current;
    }
  }

  private async saveHead(end: AuditChainEnd): Promise<void> {
    try {
      await this.ctx.call('save audit head', () =>
        this.ctx.client.index({ index: this.headIndex(), id: 'head', document: end, version: end.seq, version_type: 'external' }, { maxRetries: 0 }),
      );
    } catch (error) {
      // 409: another writer already saved a later end, which is just as good.
      if (!isConflict(error)) throw error;
    }
  }

  /** The lowest (`asc`) or highest (`desc`) sequence number among entries matching a filter. */
  private async edgeSeq(filter: Query[], order: 'asc' | 'desc'): Promise<number | null> {
    const response = await this.ctx.call('search audit', () =>
      this.ctx.client.search<Record<string, unknown>>(
        { index: this.index(), query: { bool: { filter } }, sort: [{ 'palisade.audit.seq': { order } }], size: 1, _source: false },
        { maxRetries: 0 },
      ),
    );
    const value = response.hits.hits[0]?.sort?.[0];
    return typeof value === 'number' ? value : null;
  }

  private index(): string {
    return this.ctx.indices.name('audit');
  }

  private headIndex(): string {
    return this.ctx.indices.name('audit-head');
  }

  private decode(hit: Hit): AuditEntry | null {
    return this.decodeSource(hit._source);
  }

  private decodeSource(source: Record<string, unknown> | undefined): AuditEntry | null {
    return this.ctx.recordAt<AuditEntry>(source, 'palisade.audit', isEntry);
  }
}
