import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processRuns, processStartTicks } from './process-liveness.js';

describe('process liveness', () => {
  it('tells a live process from a gone one, and from a later process that got its pid (start time)', () => {
    expect(processRuns(process.pid)).toBe(true);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(processRuns(gone)).toBe(false);
    expect(processRuns(2 ** 22 + 12345)).toBe(false);
    const startTicks = processStartTicks('self');
    if (startTicks === null) return; // no /proc here: the pid alone decides
    expect(processStartTicks(process.pid)).toBe(startTicks);
    expect(processRuns(process.pid, startTicks)).toBe(true);
    expect(processRuns(process.pid, String(Number(startTicks) + 1))).toBe(false);
    expect(processRuns(process.pid, null)).toBe(true);
  });
});
