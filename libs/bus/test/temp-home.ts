import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh PALISADE_HOME-like folder for one test, removed afterwards. */
export function tempHome(): { dir: string; file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-bus-'));
  return { dir, file: path.join(dir, 'bus.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
