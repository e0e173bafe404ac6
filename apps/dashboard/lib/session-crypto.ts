import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** A session id: base64url of 16 random bytes (or more). */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** What the session cookie carries, sealed: the analyst's own API token and who the API said they are. */
export const SessionPayload = z.object({
  /** This sign-in's own random id: sign-out revokes it (session-revocations.ts). */
  sid: z.string().regex(SESSION_ID),
  token: z.string().min(1).max(4096),
  id: z.string().max(200),
  name: z.string().max(200),
  role: z.enum(['admin', 'analyst', 'auditor', 'collector']),
  permissions: z.array(z.string().max(40)).max(20),
  /** Expiry, ms since epoch. */
  exp: z.number().int().positive(),
});
export type SessionPayload = z.infer<typeof SessionPayload>;

const VERSION = 'v1';

/** A new session id (128 random bits). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** A 32-byte AES key from a configured secret (hashed), or random bytes. */
export function sessionKey(secret?: string): Buffer {
  return secret ? createHash('sha256').update(`palisade-dashboard-session:${secret}`).digest() : randomBytes(32);
}

/** AES-256-GCM: the cookie is unreadable and tamper-evident without the key. */
export function sealSession(payload: SessionPayload, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The payload of a sealed cookie, or null when it is malformed, forged, sealed with another key or expired. */
export function unsealSession(sealed: string | undefined, key: Buffer, nowMs: number): SessionPayload | null {
  if (!sealed || !sealed.startsWith(`${VERSION}.`) || sealed.length > 8192) return null;
  try {
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const parsed = SessionPayload.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.exp <= nowMs) return null;
    return parsed.data;
  } catch {
    return null;
  }
}
