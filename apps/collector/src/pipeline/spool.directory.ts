import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processRuns, processStartTicks } from '@palisade/schema/telemetry';

interface SpoolOwner {
  collectorId: string;
  pid: number;
  host: string;
  /**
   * When the owner process started (Linux: clock ticks after boot, /proc/PID/stat field 22), to tell it
   * from a later process that got its pid. Absent where /proc is not (then the pid alone decides).
   */
  startTicks?: string;
  /** Written by earlier versions (the entry script); no longer read. */
  script?: string;
  startedAt: string;
}

const OWNER_FILE = 'owner.json';

/**
 * The spool folders of every collector of a PALISADE_HOME (`spool/`). Each collector owns `spool/<id>/`
 * (with `owner.json`: pid, host, process start time). A folder whose owner is gone (killed, or exited with the bus down)
 * is claimed by a live collector with one atomic rename to `spool/<its id>~<origin>`, so exactly one
 * collector replays it; an owner's liveness is read from its own folder.
 */
export class SpoolDirectory {
  readonly root: string;

  constructor(
    home: string,
    private readonly collectorId: string,
    private readonly isAlive: (owner: SpoolOwner) => boolean = (owner) => owner.host !== os.hostname() || processRuns(owner.pid, owner.startTicks),
  ) {
    this.root = path.join(home, 'spool');
  }

  /** Creates this collector's own folder (owner file first, then an atomic rename into place). */
  async createOwn(): Promise<string> {
    const dir = path.join(this.root, this.collectorId);
    const tmp = path.join(this.root, `.tmp-${this.collectorId}`);
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    const startTicks = processStartTicks('self');
    const owner: SpoolOwner = { collectorId: this.collectorId, pid: process.pid, host: os.hostname(), ...(startTicks ? { startTicks } : {}), startedAt: new Date().toISOString() };
    await writeFile(path.join(tmp, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    await rename(tmp, dir);
    return dir;
  }

  /** Claims every folder whose owner is gone; returns the claimed folders, oldest first. */
  async claimOrphans(): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(this.root)).filter((name) => !name.startsWith('.')).sort();
    } catch {
      return [];
    }
    const claimed: string[] = [];
    for (const name of names) {
      const ownerId = name.split('~')[0] ?? name;
      if (ownerId === this.collectorId) continue;
      if (await this.ownerAlive(ownerId)) continue;
      const origin = name.includes('~') ? name.slice(name.indexOf('~') + 1) : name;
      const target = path.join(this.root, `${this.collectorId}~${origin}`);
      try {
        await rename(path.join(this.root, name), target);
        claimed.push(target);
      } catch {
        // Another collector claimed it first.
      }
    }
    await this.removeStaleTemporaries();
    return claimed.sort();
  }

  private async ownerAlive(ownerId: string): Promise<boolean> {
    try {
      const owner = JSON.parse(await readFile(path.join(this.root, ownerId, OWNER_FILE), 'utf8')) as SpoolOwner;
      return this.isAlive(owner);
    } catch {
      return false;
    }
  }

  /** Half-created folders (a collector killed while starting) older than ten minutes hold nothing: removed. */
  private async removeStaleTemporaries(): Promise<void> {
    const all = await readdir(this.root).catch(() => [] as string[]);
    for (const name of all.filter((n) => n.startsWith('.tmp-') && n !== `.tmp-${this.collectorId}`)) {
      const dir = path.join(this.root, name);
      const age = await stat(dir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 10 * 60_000) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
