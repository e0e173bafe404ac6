import type { Page, TokenQuery } from '@palisade/schema';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs, rangeMs } from '../shared/time.js';
import { StoreError, StoreErrorCode } from '../store.error.js';
import type { ApiToken, TokenRepository } from '../store.port.js';
import { UPDATE_RETRY_ON_CONFLICT } from './bulk.writer.js';
import { isConflict } from './retry.policy.js';
import { numberRange, termFilters, type ElasticsearchContext, type Hit, type SortedList } from './elasticsearch.context.js';

const isToken = hasStringKeys('id', 'name', 'role', 'tokenHash');
const NEWEST_FIRST: SortedList = {
  list: 'tokens',
  sort: [
    { field: 'createdMs', order: 'desc' },
    { field: 'id', order: 'desc' },
  ],
  shape: ['number', 'string'],
};

/**
 * API tokens, `_id` = the token's SHA-256: checking a bearer token (every API request) is one real-time
 * GET, and a second token with the same secret is refused by `create` itself.
 */
export class ElasticsearchTokenRepository implements TokenRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async create(token: ApiToken): Promise<void> {
    const createdMs = instantMs(token.createdAt, `token ${token.id} createdAt`);
    if (await this.findById(token.id)) throw new StoreError(StoreErrorCode.Conflict, `token ${token.id} already exists (same id or same secret)`);
    try {
      await this.ctx.call('create token', () =>
        this.ctx.client.create(
          { index: this.index(), id: token.tokenHash, document: { id: token.id, tokenHash: token.tokenHash, createdMs, revoked: token.revokedAt !== null, doc: token }, refresh: 'wait_for' },
          { maxRetries: 0 },
        ),
      );
    } catch (error) {
      if (isConflict(error)) {
        throw new StoreError(StoreErrorCode.Conflict, `token ${token.id} already exists (same id or same secret)`);
      }
      throw error;
    }
  }

  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const source = await this.ctx.getSource(this.index(), tokenHash);
    return source ? this.decodeSource(source) : null;
  }

  async list(): Promise<ApiToken[]> {
    const hits = await this.ctx.all(this.index(), { match_all: {} }, [
      { field: 'createdMs', order: 'asc' },
      { field: 'id', order: 'asc' },
    ]);
    return hits.flatMap((hit) => this.decode(hit) ?? []);
  }

  async search(query: TokenQuery): Promise<Page<ApiToken>> {
    const { fromMs, toMs } = rangeMs(query);
    return this.ctx.page(this.index(), { bool: { filter: numberRange('createdMs', { gte: fromMs, lt: toMs }) } }, NEWEST_FIRST, query, (hit) => this.decode(hit));
  }

  async revoke(id: string, ts: string): Promise<boolean> {
    instantMs(ts, 'revokedAt');
    const hit = await this.findById(id);
    if (!hit?._id) return false;
    const hitId = hit._id;
    const response = await this.ctx.call('revoke token', () =>
      this.ctx.client.update(
        {
          index: this.index(),
          id: hitId,
          script: { lang: 'painless', source: "if (ctx._source.doc.revokedAt == null) { ctx._source.doc.revokedAt = params.ts; ctx._source.revoked = true } else { ctx.op = 'noop' }", params: { ts } },
          retry_on_conflict: UPDATE_RETRY_ON_CONFLICT,
          refresh: 'wait_for',
        },
        { maxRetries: 0 },
      ),
    );
    return response.result === 'updated';
  }

  async touch(id: string, ts: string): Promise<void> {
    instantMs(ts, 'lastUsedAt');
    const hit = await this.findById(id);
    if (!hit?._id) return;
    const hitId = hit._id;
    await this.ctx.call('touch token', () => this.ctx.client.update({ index: this.index(), id: hitId, doc: { doc: { lastUsedAt: ts } }, retry_on_conflict: UPDATE_RETRY_ON_CONFLICT }, { maxRetries: 0 }));
  }

  private async findById(id: string): Promise<Hit | undefined> {
    const response = await this.ctx.call('search tokens', () =>
      this.ctx.client.search<Record<string, unknown>>({ index: this.index(), query: { bool: { filter: termFilters({ id }) } }, size: 1 }, { maxRetries: 0 }),
    );
    return response.hits.hits[0];
  }

  private index(): string {
    return this.ctx.indices.name('tokens');
  }

  private decode(hit: Hit): ApiToken | null {
    return this.decodeSource(hit._source);
  }

  private decodeSource(source: Record<string, unknown> | undefined): ApiToken | null {
    return this.ctx.recordAt<ApiToken>(source, 'doc', isToken);
  }
}
