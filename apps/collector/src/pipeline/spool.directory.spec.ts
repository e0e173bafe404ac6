import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTicks } from '@palisade/schema';
import { SpoolDirectory } from './spool.directory.js';

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

  it('claims the folder of a process that got a gone owner\'s pid (start time differs), not one with no start time recorded', async () => {
    const startTicks = processStartTicks('self');
    if (startTicks === null) return; // no /proc here: the pid alone decides
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-spools-'));
    homes.push(home);
    for (const [name, ticks] of [['REUSED', String(Number(startTicks) + 1)], ['UNKNOWN', null]] as const) {
      mkdirSync(path.join(home, 'spool', name), { recursive: true });
      writeFileSync(path.join(home, 'spool', name, 'owner.json'), JSON.stringify({ collectorId: name, pid: process.pid, host: os.hostname(), ...(ticks ? { startTicks: ticks } : {}), startedAt: '' }));
    }
    const claimed = await new SpoolDirectory(home, 'ME').claimOrphans();
    expect(claimed.map((dir) => path.basename(dir))).toEqual(['ME~REUSED']);
  });

  // The collector's telemetry worker thread creates the spool: a folder made there belongs to a live process.
  // The worker runs the built module (npm test builds first); without a build this fails, it is not skipped.
  it('never claims the folder of a live collector whose spool was created by its worker thread', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-spools-'));
    homes.push(home);
    const worker = new Worker(`import(${JSON.stringify(BUILT)}).then(async ({ SpoolDirectory }) => { await new SpoolDirectory(${JSON.stringify(home)}, 'WORKER').createOwn(); require('node:worker_threads').parentPort.postMessage('made'); });`, { eval: true, execArgv: [] });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(await new SpoolDirectory(home, 'OTHER').claimOrphans()).toEqual([]);
    expect(readdirSync(path.join(home, 'spool'))).toContain('WORKER');
  });
});
