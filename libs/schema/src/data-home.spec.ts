import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config.error.js';
import { prepareDataHome } from './data-home.js';

const root = mkdtempSync(path.join(tmpdir(), 'palisade-home-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const failure = (dir: string): ConfigError => {
  try {
    prepareDataHome(dir);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error(`prepareDataHome(${dir}) did not fail`);
};

describe(prepareDataHome.name, () => {
  it('creates the missing levels (mode 0700) and leaves nothing else behind', () => {
    const home = path.join(root, 'a', 'b', '.palisade');
    prepareDataHome(home);
    expect(statSync(home).isDirectory()).toBe(true);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(readdirSync(home)).toEqual([]);
    prepareDataHome(home);
  });

  it('names the variable and the path when a file stands where the folder should be', () => {
    const file = path.join(root, 'file');
    writeFileSync(file, 'x');
    const error = failure(file);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variables).toEqual(['PALISADE_HOME']);
    expect(error.message).toBe(`PALISADE_HOME "${file}": is not a folder`);
    expect(failure(path.join(file, 'below')).message).toContain(`${file} is not a folder`);
  });

  // /proc answers ENOENT to mkdir: Node's recursive mkdir spins forever there.
  it.runIf(existsSync('/proc/self'))('stops at once, with one line, where the folder cannot be created or written', () => {
    expect(failure('/proc/palisade-nope/home').message).toBe('PALISADE_HOME "/proc/palisade-nope/home": cannot be created (ENOENT)');
    expect(failure('/proc').message).toMatch(/^PALISADE_HOME "\/proc": cannot be written \(E[A-Z]+\)$/);
  });
});
