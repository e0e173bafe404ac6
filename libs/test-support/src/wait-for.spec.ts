import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ManagedProcess } from './managed.process.js';
import { waitFor } from './wait-for.js';

describe(waitFor.name, () => {
  it('returns the first value that is not undefined, null or false, counting a throw as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('not up');
        return calls === 2 ? false : 'ready';
      },
      'the value',
      { intervalMs: 1 },
    );
    expect([value, calls]).toEqual(['ready', 3]);
  });

  it('times out naming what it waited for, the last error and the end of the logs', async () => {
    const failing = waitFor(() => Promise.reject(new Error('connection refused')), 'the API', { timeoutMs: 30, intervalMs: 5, logs: () => 'x'.repeat(5000) + 'last line' });
    await expect(failing).rejects.toThrow(/^timed out waiting for the API \(last error: connection refused\)\nx+last line$/);
  });

  it('fails at once (not after its long timeout) when the process it depends on has exited, with its output', async () => {
    const managed = new ManagedProcess(spawn(process.execPath, ['-e', 'console.error("port in use"); process.exit(3)']));
    await new Promise((resolve) => managed.child.once('close', resolve));
    await expect(waitFor(async () => false, 'the detector API', { timeoutMs: 600_000, logs: () => managed.output, abort: () => managed.exited() })).rejects.toThrow(
      /^the process exited \(3\) while waiting for the detector API\nport in use/,
    );
  });
});
