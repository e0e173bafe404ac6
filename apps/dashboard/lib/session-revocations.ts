import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { SESSION_ID } from './session-crypto';

const HOUR_MS = 3_600_000;
const FILE = /^(\d{1,12})\.revoked$/;


const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Sessions signed out before their end. The session cookie is stateless (sealed, valid until its expiry),
 * so sign-out records its id here and every request checks it: a copy of the cookie opens nothing after.
 *
 * On disk, one file per hour of expiry (`<hour since epoch>.revoked`, one id a line, only ever appended):
 * a check reads the file of its own session's expiry hour, and a file is deleted whole once its hour has
 * passed, every session in it having ended. No file is rewritten, so no sign-out is lost to another one
 * at the same moment (in this process or another on the same folder); a torn last line from a crash is
 * skipped. Files are read again only when they change. Revocations made by this process also hold in
 * memory, so they work where the folder cannot be written (until a restart, which a caller reports).
 */
export class SessionRevocations {
  private readonly files = new Map<string, { stamp: string; ids: Set<string> }>();
  private readonly local = new Map<string, number>();

  constructor(readonly dir: string) {}

  /** Revokes a session until its expiry (ms since epoch); throws when the folder cannot be written. */
  revoke(sid: string, expMs: number, nowMs: number): void {
    if (!SESSION_ID.test(sid)) throw new Error('session revocation: not a session id');
    if (expMs <= nowMs) return;
    for (const [id, exp] of this.local) if (exp <= nowMs) this.local.delete(id);
    this.local.set(sid, expMs);
    try {
      mkdirSync(this.dir, { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
    const fd = openSync(this.fileOf(expMs), 'a', 0o600);
    try {
      // Led by a newline too: after a torn write (a crash), this id still starts a line of its own.
      writeSync(fd, `\n${sid}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.dropEnded(nowMs);
  }

  /** Whether the session with this id and expiry was signed out. */
  isRevoked(sid: string, expMs: number): boolean {
    return this.local.has(sid) || this.idsIn(this.fileOf(expMs)).has(sid);
  }

  private fileOf(expMs: number): string {
    return path.join(this.dir, `${Math.floor(expMs / HOUR_MS)}.revoked`);
  }

  private idsIn(file: string): Set<string> {
    try {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat) {
        this.files.delete(file);
        return new Set();
      }
      const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      const cached = this.files.get(file);
      if (cached?.stamp === stamp) return cached.ids;
      const ids = new Set(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => SESSION_ID.test(line)),
      );
      this.files.set(file, { stamp, ids });
      return ids;
    } catch (error) {
      // Deleted between stat and read: its hour has passed.
      if (codeOf(error) === 'ENOENT') return new Set();
      throw new Error(`the signed-out sessions in ${this.dir} cannot be read (${codeOf(error) ?? (error as Error).message})`);
    }
  }

  /** Deletes the files whose hour has passed: every session in them has ended. */
  private dropEnded(nowMs: number): void {
    for (const name of readdirSync(this.dir)) {
      const hour = FILE.exec(name)?.[1];
      if (hour === undefined || (Number(hour) + 1) * HOUR_MS > nowMs) continue;
      const file = path.join(this.dir, name);
      this.files.delete(file);
      try {
        unlinkSync(file);
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') throw error;
      }
    }
  }
}
