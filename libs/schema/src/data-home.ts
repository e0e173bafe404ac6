import { type Stats, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.error.js';

/**
 * Makes sure the data folder (PALISADE_HOME) is a folder this process can write, creating what is missing
 * one level at a time (mode 0700). Throws a ConfigError naming `variable` otherwise.
 *
 * Node's recursive mkdir loops forever where mkdir answers ENOENT under an existing parent (under /proc,
 * for one), so a bad home made the programs spin silently instead of stopping with one line; and a home
 * that exists but cannot be written failed later, deep inside SQLite, with a stack trace.
 */
export function prepareDataHome(dir: string, variable = 'PALISADE_HOME'): void {
  const home = path.resolve(dir);
  const fail = (what: string, error?: unknown): never => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw ConfigError.of(variable, `${variable} "${home}": ${what}${code ? ` (${code})` : ''}`);
  };
  const missing: string[] = [];
  let existing = home;
  for (;;) {
    let stat: Stats | undefined;
    try {
      stat = statSync(existing, { throwIfNoEntry: false });
    } catch (error) {
      // ENOTDIR: a file further up; the walk finds and names it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') fail('cannot be read', error);
    }
    if (stat) {
      if (!stat.isDirectory()) fail(existing === home ? 'is not a folder' : `${existing} is not a folder`);
      break;
    }
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') fail(`cannot be created`, error);
    }
  }
  const probe = path.join(home, `.write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    fail('cannot be written', error);
  }
}
