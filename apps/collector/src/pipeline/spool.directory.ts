import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

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
 * A process's start time from /proc, or null where there is none. The same for every thread of a process:
 * the spool is created by the collector's telemetry worker thread, whose `process.argv[1]` is the worker's
 * script, not the command line, so the entry script (what this used to compare) never matched and every
 * live collector looked gone to the others, which claimed and deleted its spool while it wrote.
 */
export function processStartTicks(pid: number | 'self'): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True when the owner still runs: its pid is live and, where /proc says, started when the owner did. */
export function ownerProcessRuns(owner: Pick<SpoolOwner, 'pid' | 'startTicks'>): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!owner.startTicks) return true;
  const now = processStartTicks(owner.pid);
  return now === null || now === owner.startTicks;
}

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
    private readonly isAlive: (owner: SpoolOwner) => boolean = (owner) => owner.host !== os.hostname() || ownerProcessRuns(owner),
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
