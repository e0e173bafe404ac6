import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { verifyBundle } from '../exports/bundle.verifier.js';

/** `verify-export PATH`: OK and 0 for an intact bundle, else the first problem and 1. */
export async function runVerifyExport(target: string): Promise<number> {
  let dir = path.resolve(target);
  let cleanup: string | null = null;
  try {
    if (!statSync(dir, { throwIfNoEntry: false })) {
      process.stderr.write(`verify-export: ${target} does not exist\n`);
      return 2;
    }
    if (statSync(dir).isFile()) {
      cleanup = mkdtempSync(path.join(tmpdir(), 'palisade-verify-'));
      await tar.extract({ file: dir, cwd: cleanup, strict: true });
      const entries = readdirSync(cleanup);
      if (entries.length !== 1) {
        process.stdout.write(`FAILED: ${target} should hold one bundle folder, found ${entries.length} entries\n`);
        return 1;
      }
      dir = path.join(cleanup, entries[0]!);
    }
    const result = verifyBundle(dir);
    if (result.ok) {
      process.stdout.write('OK\n');
      process.stderr.write(`verify-export: ${result.checked.length} files and audit entries ${result.manifest.audit.firstSeq}–${result.manifest.audit.lastSeq} intact; range ${result.manifest.range.from} → ${result.manifest.range.to}; key ${result.manifest.publicKey?.slice(-16)}\n`);
      return 0;
    }
    process.stdout.write(`FAILED: ${result.problem}\n`);
    return 1;
  } finally {
    if (cleanup) rmSync(cleanup, { recursive: true, force: true });
  }
}
