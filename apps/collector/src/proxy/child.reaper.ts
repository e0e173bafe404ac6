import { spawn } from 'node:child_process';

/**
 * Waits for EOF on a pipe held by the collector, then terminates the server's process group. The pipe
 * closes however the collector ends, `kill -9` included, so the server is never orphaned. The reaper is
 * `sh` (a few hundred kB), detached and unreferenced: it never keeps the collector alive. After a normal
 * exit the group is already gone and the reaper ends at once.
 */
// No `--` before the group: dash, Debian's /bin/sh, takes it for a process id and signals nothing.
const SCRIPT = 'read _ ; kill -TERM -"$1" 2>/dev/null && sleep 2 && kill -KILL -"$1" 2>/dev/null; exit 0';

export function startChildReaper(serverPid: number): void {
  try {
    const reaper = spawn('/bin/sh', ['-c', SCRIPT, 'palisade-reaper', String(serverPid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    reaper.on('error', () => undefined);
    reaper.stdin.on('error', () => undefined);
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    // No reaper (no /bin/sh): the server still sees its stdin close when the collector ends.
  }
}
