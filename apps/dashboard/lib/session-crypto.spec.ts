import { describe, expect, it } from 'vitest';
import { type SessionPayload, newSessionId, sealSession, sessionKey, unsealSession } from './session-crypto';

const payload: SessionPayload = { sid: 'c2Vzc2lvbi1pZC0wMDAx', token: 'secret-token-value', id: 'tok_1', name: 'alice', role: 'analyst', permissions: ['read', 'triage'], exp: 2_000 };

describe('session cookie sealing', () => {
  const key = sessionKey('a configured secret of at least thirty-two characters');

  it('round-trips, and never shows the token in the cookie', () => {
    const sealed = sealSession(payload, key);
    expect(sealed).not.toContain('secret-token-value');
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('secret-token');
    expect(unsealSession(sealed, key, 1_000)).toEqual(payload);
  });

  it('rejects expired, tampered, foreign-key and malformed cookies', () => {
    const sealed = sealSession(payload, key);
    expect(unsealSession(sealed, key, 2_000)).toBeNull();
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    expect(unsealSession(flipped, key, 1_000)).toBeNull();
    expect(unsealSession(sealed, sessionKey(), 1_000)).toBeNull();
    expect(unsealSession('v1.not-base64!', key, 1_000)).toBeNull();
    expect(unsealSession(undefined, key, 1_000)).toBeNull();
  });

  it('gives every sign-in its own id, and refuses a cookie without one (it could not be revoked)', () => {
    expect(newSessionId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newSessionId()).not.toBe(newSessionId());
    const { sid: _sid, ...withoutId } = payload;
    expect(unsealSession(sealSession(withoutId as SessionPayload, key), key, 1_000)).toBeNull();
  });

  it('derives the same key from the same secret (sessions survive a restart when a secret is set)', () => {
    expect(sessionKey('x'.repeat(32)).equals(sessionKey('x'.repeat(32)))).toBe(true);
  });
});
