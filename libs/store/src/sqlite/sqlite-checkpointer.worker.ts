// The thread behind SqliteThreadedWriter's background checkpoints: its own connection to store.db,
// copying committed WAL frames into the database file (PASSIVE: it never blocks the writer or readers),
// so the writer thread's commits never pay for a checkpoint. Started only from the built package.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerOptions {
  file: string;
  /** How often the WAL is looked at. */
  intervalMs: number;
  busyTimeoutMs: number;
}

const port = parentPort!;
const options = workerData as CheckpointerOptions;
let db: Database.Database;
try {
  db = new Database(options.file, { timeout: options.busyTimeoutMs });
  // A checkpoint copies pages and syncs the database file; it never changes what a reader sees.
  db.pragma('synchronous = NORMAL');
} catch (error) {
  port.postMessage({ type: 'fatal', error: { name: (error as Error).name, message: (error as Error).message } });
  process.exit(1);
}

/** Failures are reported on stderr: the first at once, then at most one line a minute with a count. */
const REPORT_EVERY_MS = 60_000;
let failures = 0;
let reportedAt = -Infinity;
let timer: NodeJS.Timeout | null = null;
const tick = (): void => {
  try {
    // wal_checkpoint(PASSIVE) with nothing to copy costs a read of the WAL index only.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    failures += 1;
    if (Date.now() - reportedAt >= REPORT_EVERY_MS) {
      reportedAt = Date.now();
      process.stderr.write(`palisade-store: background WAL checkpoint failed (${failures} so far; the writer checkpoints itself past its cap): ${(error as Error).message}\n`);
    }
  }
  timer = setTimeout(tick, options.intervalMs);
};
timer = setTimeout(tick, options.intervalMs);

port.on('message', (request: { type: 'close' }) => {
  if (request.type !== 'close') return;
  if (timer) clearTimeout(timer);
  db.close();
  port.close();
});
port.postMessage({ type: 'ready' });
