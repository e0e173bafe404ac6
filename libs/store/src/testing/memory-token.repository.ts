import type { Page, TokenQuery } from '@palisade/schema';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { instantMs, rangeMs } from '../shared/time.js';
import type { ApiToken, TokenRepository } from '../store.port.js';
import { compareKeys, memoryPage } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemoryTokenRepository implements TokenRepository {
  constructor(private readonly state: MemoryState) {}

  async create(token: ApiToken): Promise<void> {
    instantMs(token.createdAt, `token ${token.id} createdAt`);
    const taken = this.state.tokens.has(token.id) || [...this.state.tokens.values()].some((known) => known.tokenHash === token.tokenHash);
    if (taken) throw new StoreError(StoreErrorCode.Conflict, `token ${token.id} already exists (same id or same secret)`);
    this.state.tokens.set(token.id, jsonCopy(token));
  }

  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const token = [...this.state.tokens.values()].find((known) => known.tokenHash === tokenHash);
    return token ? jsonCopy(token) : null;
  }

  async list(): Promise<ApiToken[]> {
    return [...this.state.tokens.values()].sort((a, b) => compareKeys([Date.parse(a.createdAt), a.id], [Date.parse(b.createdAt), b.id])).map(jsonCopy);
  }

  async search(query: TokenQuery): Promise<Page<ApiToken>> {
    const { fromMs, toMs } = rangeMs(query);
    const rows = [...this.state.tokens.values()].filter((token) => (fromMs === undefined || Date.parse(token.createdAt) >= fromMs) && (toMs === undefined || Date.parse(token.createdAt) < toMs));
    return memoryPage(rows, 'tokens', ['number', 'string'], (token) => [Date.parse(token.createdAt), token.id], query, jsonCopy);
  }

  async revoke(id: string, ts: string): Promise<boolean> {
    instantMs(ts, 'revokedAt');
    const token = this.state.tokens.get(id);
    if (!token || token.revokedAt !== null) return false;
    this.state.tokens.set(id, { ...token, revokedAt: ts });
    return true;
  }

  async touch(id: string, ts: string): Promise<void> {
    instantMs(ts, 'lastUsedAt');
    const token = this.state.tokens.get(id);
    if (token) this.state.tokens.set(id, { ...token, lastUsedAt: ts });
  }
}
