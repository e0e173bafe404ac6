import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from './sqlite-busy.js';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe(retryWhileBusy.name, () => {
  it('tries again while SQLite answers SQLITE_BUSY, and returns what the open returned', () => {
    let tries = 0;
    expect(retryWhileBusy(() => (++tries < 3 ? (() => { throw busy(); })() : 'open'), 5_000)).toBe('open');
    expect(tries).toBe(3);
  });

  it('gives up with the last error once the time is spent, and never retries another error', () => {
    const started = Date.now();
    expect(() => retryWhileBusy(() => { throw busy(); }, 100)).toThrow('database is locked');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    let tries = 0;
    expect(() => retryWhileBusy(() => { tries += 1; throw new Error('file is not a database'); }, 5_000)).toThrow('file is not a database');
    expect(tries).toBe(1);
  });
});
