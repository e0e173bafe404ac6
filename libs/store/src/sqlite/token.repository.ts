import type { Page, TokenQuery } from '@palisade/schema';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { hasStringKeys } from '../shared/malformed-row.counter.js';
import { instantMs } from '../shared/time.js';
import type { ApiToken, TokenRepository } from '../store.port.js';
import { keysetPage, SqlFilter, type KeysetList } from './keyset.query.js';
import type { SqliteContext } from './sqlite.context.js';

const TOKENS: KeysetList = {
  list: 'tokens',
  table: 'tokens',
  keys: [
    { column: 'created_ms', type: 'number' },
    { column: 'id', type: 'string' },
  ],
};
const isToken = hasStringKeys('id', 'name', 'role', 'tokenHash');

export class SqliteTokenRepository implements TokenRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async create(token: ApiToken): Promise<void> {
    const created = this.ctx
      .statement('INSERT INTO tokens (id, token_hash, created_ms, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(token.id, token.tokenHash, instantMs(token.createdAt, `token ${token.id} createdAt`), JSON.stringify(token));
    if (created.changes === 0) throw new StoreError(StoreErrorCode.Conflict, `token ${token.id} already exists (same id or same secret)`);
  }

  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const doc = this.ctx.pluck('SELECT doc FROM tokens WHERE token_hash = ?').get(tokenHash);
    return doc === undefined ? null : this.decode(doc);
  }

  async list(): Promise<ApiToken[]> {
    return this.ctx
      .pluck('SELECT doc FROM tokens ORDER BY created_ms, id')
      .all()
      .flatMap((doc) => this.decode(doc) ?? []);
  }

  async search(query: TokenQuery): Promise<Page<ApiToken>> {
    return keysetPage(this.ctx, TOKENS, new SqlFilter().timeRange('created_ms', query), query, (doc) => this.decode(doc));
  }

  async revoke(id: string, ts: string): Promise<boolean> {
    instantMs(ts, 'revokedAt');
    return (
      this.ctx.statement("UPDATE tokens SET doc = json_set(doc, '$.revokedAt', ?) WHERE id = ? AND json_extract(doc, '$.revokedAt') IS NULL").run(ts, id).changes > 0
    );
  }

  async touch(id: string, ts: string): Promise<void> {
    instantMs(ts, 'lastUsedAt');
    this.ctx.statement("UPDATE tokens SET doc = json_set(doc, '$.lastUsedAt', ?) WHERE id = ?").run(ts, id);
  }

  private decode(doc: unknown): ApiToken | null {
    return this.ctx.rows.parse<ApiToken>(doc, isToken);
  }
}
