import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where the per-install fingerprint key lives (shared by every collector of a PALISADE_HOME and the detector). */
export function installKeyFile(home: string): string {
  return path.join(home, 'secrets', 'fingerprint.key');
}

/**
 * The per-install HMAC key for secret fingerprints: read from `PALISADE_HOME/secrets/fingerprint.key`, or
 * generated there (mode 0600) on first use. Concurrent first starts agree: the file is created with `wx`,
 * and whoever loses the race reads the winner's key. Runs once at start, before the relay.
 */
export function loadInstallKey(home: string): Buffer {
  const file = installKeyFile(home);
  const read = (): Buffer | undefined => {
    try {
      const text = readFileSync(file, 'utf8').trim();
      return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = read();
    if (!theirs) throw new Error(`${file}: exists but does not hold a 64-hex-digit key`);
    return theirs;
  }
}
