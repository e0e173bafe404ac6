// The thread behind SqliteThreadedWriter: its own connection to store.db, applying batches in the order
// they arrive. Started only from the built package (dist/), never on the caller's hot path.
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreBatch } from '../store.port.js';
import type { EventRow } from './event-row.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.store.js';

type Request = { type: 'write'; id: number; batch: Omit<StoreBatch, 'events'>; eventRows: EventRow[] } | { type: 'close' };

const port = parentPort!;
let store: SqliteStore;
try {
  store = SqliteStore.open(workerData as SqliteStoreOptions);
} catch (error) {
  port.postMessage({ type: 'fatal', error: describe(error) });
  process.exit(1);
}

function describe(error: unknown): { name: string; message: string; code?: string } {
  const e = error as { name?: string; message?: string; code?: string };
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(e?.code ? { code: String(e.code) } : {}) };
}

port.on('message', (request: Request) => {
  if (request.type === 'close') {
    void store.close().then(() => port.close());
    return;
  }
  // better-sqlite3 is synchronous: the batch is written before the next message is looked at.
  store.writePreparedBatch(request.batch, request.eventRows).then(
    (result) => port.postMessage({ type: 'done', id: request.id, result }),
    (error: unknown) => port.postMessage({ type: 'failed', id: request.id, error: describe(error) }),
  );
});
port.postMessage({ type: 'ready' });
