import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the CPU priority of the calling thread only (Linux: `setpriority` on the thread id read from
 * /proc/thread-self). The telemetry worker calls it so that, when cores are scarce, the scheduler lets the
 * relay thread (and the client and server) run first; telemetry catches up when there is room.
 * Elsewhere, or when not permitted, it does nothing and says so.
 */
export function lowerThreadPriority(niceness: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
