import 'server-only';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { env } from '../env';
import { PAGE_HEADER, signInPath } from './same-origin';
import { SESSION_COOKIE } from './session-cookie';
import { type SessionPayload, newSessionId, sealSession, sessionKey, unsealSession } from './session-crypto';
import { SessionRevocations } from './session-revocations';

export { SESSION_COOKIE };

export type Permission = 'read' | 'export' | 'triage' | 'ingest' | 'quarantine_state' | 'admin';

export interface Session extends SessionPayload {
  can(permission: Permission): boolean;
}

// Route handlers, pages and server actions may be bundled apart: the per-process key lives on globalThis
// so every bundle of this process seals and opens cookies with the same key.
const KEY_SLOT = Symbol.for('palisade.dashboard.session-key');
function key(): Buffer {
  const slot = globalThis as unknown as Record<symbol, Buffer | undefined>;
  slot[KEY_SLOT] ??= sessionKey(env().PALISADE_SESSION_SECRET ?? storedSecret());
  return slot[KEY_SLOT];
}

/**
 * Without PALISADE_SESSION_SECRET, the key is generated once into PALISADE_HOME/secrets (mode 0600) like
 * the detector's secrets, so sign-ins survive a restart; random per process when the folder is not writable.
 */
function storedSecret(): string | undefined {
  const file = path.join(path.resolve(env().PALISADE_HOME), 'secrets', 'dashboard-session.key');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim() || undefined;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return readFileSync(file, 'utf8').trim();
  } catch {
    return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
  }
}

function withPermissions(payload: SessionPayload): Session {
  return { ...payload, can: (permission) => payload.permissions.includes(permission) };
}

// The sessions signed out before their end, kept in PALISADE_HOME (one instance per process, like the key).
const REVOCATIONS_SLOT = Symbol.for('palisade.dashboard.session-revocations');
function revocations(): SessionRevocations {
  const slot = globalThis as unknown as Record<symbol, SessionRevocations | undefined>;
  slot[REVOCATIONS_SLOT] ??= new SessionRevocations(path.join(path.resolve(env().PALISADE_HOME), 'dashboard-revoked-sessions'));
  return slot[REVOCATIONS_SLOT];
}

/** The signed-in analyst of this request, or null (no cookie, or one forged, expired or signed out). Read once per request. */
export const getSession = cache(async (): Promise<Session | null> => {
  const jar = await cookies();
  const payload = unsealSession(jar.get(SESSION_COOKIE)?.value, key(), Date.now());
  return payload && !revocations().isRevoked(payload.sid, payload.exp) ? withPermissions(payload) : null;
});

/**
 * Sign-out: the session is revoked until its expiry, so a copy of its cookie opens nothing afterwards.
 * Where PALISADE_HOME cannot be written it is revoked in this process only, and one line says so.
 */
export function revokeSession(session: SessionPayload): void {
  try {
    revocations().revoke(session.sid, session.exp, Date.now());
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    process.stderr.write(`palisade-dashboard: a signed-out session could not be recorded in ${revocations().dir} (${reason}); it stays revoked until this dashboard restarts\n`);
  }
}

/**
 * Back to the sign-in page, then to the page asked for (which the proxy passes in PAGE_HEADER): `expired`
 * when a session cookie came but no longer opens (ended, revoked, or its token refused by the detector).
 */
export async function redirectToSignIn(reason?: 'expired'): Promise<never> {
  redirect(signInPath(reason, (await headers()).get(PAGE_HEADER)));
}

/** The signed-in analyst, or a redirect to the sign-in page. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (session) return session;
  return redirectToSignIn((await cookies()).has(SESSION_COOKIE) ? 'expired' : undefined);
}

/** The Set-Cookie value pieces for a new session with its own id (httpOnly, SameSite=Strict, Secure over https). */
export function sessionCookie(payload: Omit<SessionPayload, 'sid' | 'exp'>, secure: boolean): { name: string; value: string; options: { httpOnly: true; sameSite: 'strict'; secure: boolean; path: '/'; maxAge: number } } {
  const maxAge = env().PALISADE_SESSION_HOURS * 3600;
  return {
    name: SESSION_COOKIE,
    value: sealSession({ ...payload, sid: newSessionId(), exp: Date.now() + maxAge * 1000 }, key()),
    options: { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge },
  };
}
