import { readFileSync } from 'node:fs';

/**
 * A process's start time (Linux: clock ticks after boot, /proc/PID/stat field 22), or null where there is
 * no /proc. Recorded beside a pid, it tells the process that wrote a record from a later one that got its
 * pid. The same for every thread of a process (a worker thread's `process.argv` is the worker script, so a
 * command line would not do).
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

/**
 * True when the process with this pid (on this host) still runs: the pid is live (EPERM: live, under
 * another user) and, when its start time was recorded and /proc can tell, it started then.
 */
export function processRuns(pid: number, startTicks?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!startTicks) return true;
  const now = processStartTicks(pid);
  return now === null || now === startTicks;
}
