import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError, StoreErrorCode } from '../store.error.js';
import type { BatchWriter, StoreBatch, StoreBatchResult } from '../store.port.js';
import type { SqliteStoreOptions } from './sqlite.store.js';

type Reply =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: StoreBatchResult }
  | { type: 'failed'; id: number; error: { name: string; message: string; code?: string } }
  | { type: 'fatal'; error: { name: string; message: string } };

/**
 * Writes pipeline batches on a second connection in a worker thread, so the caller (the detector's
 * pipeline) analyses the next batch while SQLite writes this one. Writes apply in order; each is one
 * IMMEDIATE transaction, as `SqliteStore.writeBatch`. A failed write rejects its promise and every write
 * queued behind it still runs (the caller decides what to redo).
 */
export class SqliteThreadedWriter implements BatchWriter {
  readonly threaded = true;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: StoreBatchResult) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new StoreError(StoreErrorCode.Unavailable, `the store writer thread exited (${code})`)));
  }

  /** The worker script, present in the built package only (tests running from sources write inline). */
  static script(): URL | null {
    const url = new URL('./sqlite-writer.worker.js', import.meta.url);
    return existsSync(fileURLToPath(url)) ? url : null;
  }

  /** Starts the thread and waits until its connection is open; null when the built script is absent. */
  static async start(options: SqliteStoreOptions): Promise<SqliteThreadedWriter | null> {
    const script = SqliteThreadedWriter.script();
    if (!script) return null;
    // The thread runs the built package: export conditions that point at sources (a test runner's) are dropped.
    const worker = new Worker(script, { workerData: options, execArgv: withoutConditions(process.execArgv) });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: Reply): void => {
        worker.off('error', reject);
        if (reply.type === 'ready') resolve();
        else reject(new StoreError(StoreErrorCode.Unavailable, `the store writer thread could not open the store: ${'error' in reply ? reply.error.message : reply.type}`));
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
    });
    return new SqliteThreadedWriter(worker);
  }

  write(batch: StoreBatch): Promise<StoreBatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'write', id, batch });
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    await exited;
  }

  private onReply(reply: Reply): void {
    if (reply.type === 'done' || reply.type === 'failed') {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      if (reply.type === 'done') waiter.resolve(reply.result);
      else waiter.reject(Object.assign(new StoreError((reply.error.code as StoreErrorCode) ?? StoreErrorCode.Backend, reply.error.message), { name: reply.error.name === 'StoreError' ? 'StoreError' : reply.error.name }));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function withoutConditions(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--conditions' || arg === '-C') i += 1;
    else if (!arg.startsWith('--conditions=')) kept.push(arg);
  }
  return kept;
}
