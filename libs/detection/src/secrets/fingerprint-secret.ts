import { createHmac } from 'node:crypto';

/** Length of a secret fingerprint in hex characters. */
export const FINGERPRINT_LENGTH = 12;

/**
 * The fingerprint of a secret: the first 12 hex characters of HMAC-SHA256(install key, value). The same
 * secret gives the same fingerprint everywhere in one install, so it can be correlated across servers
 * without ever being stored.
 */
export function fingerprintSecret(key: string | Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, FINGERPRINT_LENGTH);
}
