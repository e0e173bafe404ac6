import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolDirectory } from './spool.directory.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function owned(home: string, name: string, pid: number) {
  mkdirSync(path.join(home, 'spool', name), { recursive: true });
  writeFileSync(path.join(home, 'spool', name, 'owner.json'), JSON.stringify({ collectorId: name, pid, host: os.hostname(), script: process.argv[1], startedAt: '' }));
}

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
});
