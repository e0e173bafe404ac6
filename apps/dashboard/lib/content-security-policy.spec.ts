import { describe, expect, it } from 'vitest';
import { nonceOf, policyDirectives } from '../test/support/content-security-policy';
import { contentSecurityPolicy, cspNonce } from './content-security-policy';

const NONCE = 'q2xvdWQtbm9uY2UtMDAwMQ==';

describe('contentSecurityPolicy', () => {
  it('lets scripts run only with the nonce and what they load, never inline or through eval', () => {
    const policy = policyDirectives(contentSecurityPolicy(NONCE));
    expect(policy.get('script-src')).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    expect(nonceOf(policy.get('script-src'))).toBe(NONCE);
    expect([...policy.values()].flat().filter((source) => source === "'unsafe-eval'")).toEqual([]);
  });

  it('wants the nonce on style elements, allows style attributes, and closes plugins, base, forms and framing', () => {
    const policy = policyDirectives(contentSecurityPolicy(NONCE));
    expect(policy.get('style-src-elem')).toEqual(["'self'", `'nonce-${NONCE}'`]);
    expect(policy.get('style-src')).toEqual(policy.get('style-src-elem'));
    expect(policy.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
    expect(Object.fromEntries(['default-src', 'object-src', 'base-uri', 'form-action', 'frame-ancestors'].map((name) => [name, policy.get(name)]))).toEqual({
      'default-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
  });

  it('adds eval and inline styles for React’s development tooling only', () => {
    const policy = policyDirectives(contentSecurityPolicy(NONCE, { development: true }));
    expect(policy.get('script-src')).toContain("'unsafe-eval'");
    expect(policy.get('style-src-elem')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('refuses a nonce that is too short or would change the policy', () => {
    for (const nonce of ['', 'c2hvcnQ=', `${NONCE}'; script-src *`, `${NONCE} 'unsafe-inline'`]) {
      expect(() => contentSecurityPolicy(nonce)).toThrow(/not a CSP nonce/);
    }
  });
});

describe('cspNonce', () => {
  it('draws 128 random bits, base64, different each time', () => {
    const nonces = Array.from({ length: 50 }, () => cspNonce());
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(() => contentSecurityPolicy(nonces[0]!)).not.toThrow();
  });
});
