import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printableText } from '@palisade/schema';
import * as tar from 'tar';
import { keyFingerprint } from '../exports/bundle-format.js';
import { verifyBundle } from '../exports/bundle.verifier.js';

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/i;

/**
 * The trusted key given with `--key`: a fingerprint (`sha256:HEX`, as `GET /api/exports/key` shows it) or
 * a PEM file holding the public key. Returns the fingerprint, or an error line.
 */
export function trustedKeyFingerprint(value: string): { fingerprint: string } | { error: string } {
  if (FINGERPRINT.test(value)) return { fingerprint: value.toLowerCase() };
  try {
    const der = createPublicKey(readFileSync(value)).export({ type: 'spki', format: 'der' });
    return { fingerprint: keyFingerprint(der.toString('base64')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `--key ${value}: neither a fingerprint (sha256:HEX) nor a readable PEM public key (${code ?? (error as Error).message})` };
  }
}

/** `verify-export PATH [--key K]`: OK and 0 for an intact bundle, else the first problem and 1. */
export async function runVerifyExport(target: string, trustedKey?: string): Promise<number> {
  let dir = path.resolve(target);
  let cleanup: string | null = null;
  try {
    if (!statSync(dir, { throwIfNoEntry: false })) {
      process.stderr.write(`verify-export: ${target} does not exist\n`);
      return 2;
    }
    if (statSync(dir).isFile()) {
      cleanup = mkdtempSync(path.join(tmpdir(), 'palisade-verify-'));
      try {
        await tar.extract({ file: dir, cwd: cleanup, strict: true });
      } catch (error) {
        process.stdout.write(`FAILED: ${printableText(`${target} is not a bundle archive (.tar.gz): ${(error as Error).message}`)}\n`);
        return 1;
      }
      const entries = readdirSync(cleanup);
      if (entries.length !== 1) {
        process.stdout.write(`FAILED: ${printableText(target)} should hold one bundle folder, found ${entries.length} entries\n`);
        return 1;
      }
      dir = path.join(cleanup, entries[0]!);
    }
    const result = verifyBundle(dir, trustedKey ? { trustedKey } : {});
    if (result.ok) {
      const signer = keyFingerprint(result.manifest.publicKey!);
      const trust = trustedKey ? `signed by the trusted key ${signer}` : `signed by key ${signer}, not checked against a key you trust (pass --key with the install's fingerprint from GET /api/exports/key)`;
      process.stdout.write('OK\n');
      process.stderr.write(`verify-export: ${result.checked.length} files and audit entries ${result.manifest.audit.firstSeq}–${result.manifest.audit.lastSeq} intact; range ${result.manifest.range.from} → ${result.manifest.range.to}; ${trust}\n`);
      return 0;
    }
    // The problem names what the bundle holds (file names, manifest text): whoever altered it chose them,
    // so they are shown escaped, never as a carriage return or an escape sequence that rewrites this line.
    process.stdout.write(`FAILED: ${printableText(result.problem)}\n`);
    return 1;
  } finally {
    if (cleanup) rmSync(cleanup, { recursive: true, force: true });
  }
}
