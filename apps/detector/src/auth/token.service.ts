import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { newId, type Page, type TokenQuery } from '@palisade/schema';
import type { ApiToken, Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { SecretFiles } from '../infra/secret-files.js';
import type { Principal, Role } from './principal.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new bearer token: `pal_` + 32 random bytes, base64url. */
export function generateToken(): string {
  return `pal_${randomBytes(32).toString('base64url')}`;
}

/**
 * Stores a new token and returns its secret, once (only its hash is kept): for the API and for the CLI's
 * `token create`, which works on the store without the Nest app. Audit entries name their actor by the
 * token's name, so two live tokens may not share one (409).
 */
export async function issueToken(store: Store, fields: Pick<ApiToken, 'name' | 'role' | 'createdBy' | 'createdAt'>): Promise<{ token: string; record: Omit<ApiToken, 'tokenHash'> }> {
  if ((await store.tokens.list()).some((t) => t.name === fields.name && t.revokedAt === null)) {
    throw new PalisadeException(PalisadeErrorCode.Conflict, `a token named "${fields.name}" exists already (revoke it first, or choose another name)`);
  }
  const token = generateToken();
  const record: ApiToken = { id: newId(), ...fields, tokenHash: hashToken(token), revokedAt: null, lastUsedAt: null };
  await store.tokens.create(record);
  const { tokenHash: _hash, ...visible } = record;
  return { token, record: visible };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer tokens: the admin token (PALISADE_ADMIN_TOKEN or generated into PALISADE_HOME), an optional
 * ingest token from the environment, and tokens created through the API, stored hashed.
 */
@Injectable()
export class TokenService {
  private adminHash: string | null = null;
  private readonly ingestHash: string | null;
  private readonly touched = new Map<string, number>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly secrets: SecretFiles,
    private readonly clock: Clock,
  ) {
    this.ingestHash = config.ingestToken ? hashToken(config.ingestToken) : null;
  }

  /**
   * The admin token: as given in the environment, or read from PALISADE_HOME, or generated there on
   * first start. Returns whether it was generated now (the caller prints it once).
   */
  ensureAdminToken(): { token: string; generated: boolean; file: string | null } {
    if (this.config.adminToken) {
      this.adminHash = hashToken(this.config.adminToken);
      return { token: this.config.adminToken, generated: false, file: null };
    }
    const { value, created, file } = this.secrets.readOrCreate('admin-token', generateToken);
    this.adminHash = hashToken(value);
    return { token: value, generated: created, file };
  }

  async authenticate(bearer: string | undefined): Promise<Principal> {
    if (!bearer) throw new PalisadeException(PalisadeErrorCode.Unauthorized, 'missing bearer token');
    const hash = hashToken(bearer);
    if (this.adminHash === null) this.ensureAdminToken();
    if (this.adminHash && sameHash(hash, this.adminHash)) return { id: 'admin-token', name: 'admin', role: 'admin' };
    if (this.ingestHash && sameHash(hash, this.ingestHash)) return { id: 'ingest-token', name: 'collector', role: 'collector' };
    const token = await this.store.tokens.findByHash(hash);
    if (!token || token.revokedAt) throw new PalisadeException(PalisadeErrorCode.Unauthorized, 'invalid or revoked token');
    this.touch(token.id);
    return { id: token.id, name: token.name, role: token.role };
  }

  /** Creates a token; the secret is returned once and only its hash is kept. */
  create(name: string, role: Role, createdBy: string): Promise<{ token: string; record: Omit<ApiToken, 'tokenHash'> }> {
    return issueToken(this.store, { name, role, createdBy, createdAt: this.clock.nowIso() });
  }

  /** A page of tokens, newest first like every list of the API, without their hashes. */
  async list(query: TokenQuery): Promise<Page<Omit<ApiToken, 'tokenHash'>>> {
    const page = await this.store.tokens.search(query);
    return { ...page, items: page.items.map(({ tokenHash: _hash, ...visible }) => visible) };
  }

  /** Revokes a live token; its name and role (what the audit entry records, as the CLI's does), or null. */
  async revoke(id: string): Promise<Pick<ApiToken, 'name' | 'role'> | null> {
    const token = (await this.store.tokens.list()).find((t) => t.id === id && t.revokedAt === null);
    if (!token || !(await this.store.tokens.revoke(id, this.clock.nowIso()))) return null;
    return { name: token.name, role: token.role };
  }

  /** Records last use at most once a minute per token (no write per request). */
  private touch(id: string): void {
    const now = this.clock.now().getTime();
    if ((this.touched.get(id) ?? 0) > now - 60_000) return;
    this.touched.set(id, now);
    void this.store.tokens.touch(id, new Date(now).toISOString()).catch(() => undefined);
  }
}
