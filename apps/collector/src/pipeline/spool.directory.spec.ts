import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerProcessRuns, processStartTicks, SpoolDirectory } from './spool.directory.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function owned(home: string, name: string, pid: number) {
  mkdirSync(path.join(home, 'spool', name), { recursive: true });
  const startTicks = processStartTicks(pid);
  writeFileSync(path.join(home, 'spool', name, 'owner.json'), JSON.stringify({ collectorId: name, pid, host: os.hostname(), ...(startTicks ? { startTicks } : {}), startedAt: '' }));
}

const BUILT = path.resolve(import.meta.dirname, '../../dist/pipeline/spool.directory.js');

describe(SpoolDirectory.name, () => {
  it('claims the folders of collectors that are gone (their own and those they had claimed), never a live one', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-spools-'));
    homes.push(home);
    owned(home, 'LIVE', process.pid);
    owned(home, 'DEAD', 2 ** 22 + 12345);
    mkdirSync(path.join(home, 'spool', 'DEAD~OLDER'));
    mkdirSync(path.join(home, 'spool', 'LIVE~KEPT'));
    const mine = new SpoolDirectory(home, 'ME');
    await mine.createOwn();
    const claimed = await mine.claimOrphans();
    expect(claimed.map((dir) => path.basename(dir))).toEqual(['ME~DEAD', 'ME~OLDER']);
    expect(readdirSync(path.join(home, 'spool')).sort()).toEqual(['LIVE', 'LIVE~KEPT', 'ME', 'ME~DEAD', 'ME~OLDER']);
    expect(await new SpoolDirectory(home, 'OTHER').claimOrphans()).toEqual([]);
  });

  it('tells a live owner from a later process that got its pid (start time), and trusts the pid where none was recorded', () => {
    const startTicks = processStartTicks('self');
    expect(ownerProcessRuns({ pid: process.pid })).toBe(true);
    expect(ownerProcessRuns({ pid: 2 ** 22 + 12345 })).toBe(false);
    if (startTicks === null) return; // no /proc here
    expect(ownerProcessRuns({ pid: process.pid, startTicks })).toBe(true);
    expect(ownerProcessRuns({ pid: process.pid, startTicks: String(Number(startTicks) + 1) })).toBe(false);
  });

  // The collector's telemetry worker thread creates the spool: a folder made there belongs to a live process.
  // The worker runs the built module (npm test builds first); without a build this fails, it is not skipped.
  it('never claims the folder of a live collector whose spool was created by its worker thread', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-spools-'));
    homes.push(home);
    const worker = new Worker(`import(${JSON.stringify(BUILT)}).then(async ({ SpoolDirectory }) => { await new SpoolDirectory(${JSON.stringify(home)}, 'WORKER').createOwn(); require('node:worker_threads').parentPort.postMessage('made'); });`, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(await new SpoolDirectory(home, 'OTHER').claimOrphans()).toEqual([]);
    expect(readdirSync(path.join(home, 'spool'))).toContain('WORKER');
  });
});
