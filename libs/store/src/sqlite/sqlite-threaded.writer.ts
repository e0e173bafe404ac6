import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { DEFAULT_EVENT_TEXT_CHARS } from '../shared/event-text.js';
import type { BatchWriter, StoreBatch, StoreBatchResult } from '../store.port.js';
import { eventRows } from './event-row.js';
import type { CheckpointerOptions } from './sqlite-checkpointer.worker.js';
import type { SqliteStoreOptions } from './sqlite.store.js';

type Reply =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: StoreBatchResult }
  | { type: 'failed'; id: number; error: { name: string; message: string; code?: string } }
  | { type: 'fatal'; error: { name: string; message: string } };

/** WAL size after which the writer thread checkpoints itself: reached only if the background thread falls behind. */
const WRITER_CHECKPOINT_CAP_BYTES = 128 * 1024 * 1024;
/** How often the background thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * Writes pipeline batches on a second connection in a worker thread, so the caller (the detector's
 * pipeline) analyses the next batch while SQLite writes this one. Writes apply in order; each is one
 * IMMEDIATE transaction, as `SqliteStore.writeBatch`. A failed write rejects its promise and every write
 * queued behind it still runs (the caller decides what to redo).
 *
 * A third connection, in its own thread, checkpoints the WAL every 250 ms, so the writer's commits never
 * pay for copying pages into the database file (about a third of the writer's time when it did).
 */
export class SqliteThreadedWriter implements BatchWriter {
  readonly threaded = true;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: StoreBatchResult) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly checkpointer: Worker,
    private readonly eventTextChars: number,
  ) {
    worker.on('message', (reply: Reply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new StoreError(StoreErrorCode.Unavailable, `the store writer thread exited (${code})`)));
    // A checkpointer that fails leaves the writer to checkpoint itself (at the cap): slower, never unsafe.
    checkpointer.on('error', (error) => process.stderr.write(`palisade-store: the background WAL checkpointer stopped (the writer checkpoints itself past its cap): ${error.message}\n`));
    this.checkpointerExited = new Promise<void>((resolve) => checkpointer.once('exit', () => resolve()));
  }

  private readonly checkpointerExited: Promise<void>;

  /** The worker script, present in the built package only (tests running from sources write inline). */
  static script(name = 'sqlite-writer.worker.js'): URL | null {
    const url = new URL(`./${name}`, import.meta.url);
    return existsSync(fileURLToPath(url)) ? url : null;
  }

  /** Starts the threads and waits until their connections are open; null when the built scripts are absent. */
  static async start(options: SqliteStoreOptions): Promise<SqliteThreadedWriter | null> {
    const script = SqliteThreadedWriter.script();
    const checkpoints = SqliteThreadedWriter.script('sqlite-checkpointer.worker.js');
    if (!script || !checkpoints) return null;
    // The threads run the built package: export conditions that point at sources (a test runner's) are dropped.
    const execArgv = withoutConditions(process.execArgv);
    const writerOptions: SqliteStoreOptions = { ...options, walAutocheckpointBytes: WRITER_CHECKPOINT_CAP_BYTES };
    const checkpointerOptions: CheckpointerOptions = { file: options.file, intervalMs: CHECKPOINT_INTERVAL_MS, busyTimeoutMs: options.busyTimeoutMs ?? 15_000 };
    const worker = startWorker(script, writerOptions, execArgv);
    const checkpointer = startWorker(checkpoints, checkpointerOptions, execArgv);
    try {
      await Promise.all([ready(worker, 'writer'), ready(checkpointer, 'checkpointer')]);
    } catch (error) {
      await Promise.all([worker.terminate(), checkpointer.terminate()]);
      throw error;
    }
    return new SqliteThreadedWriter(worker, checkpointer, options.eventTextChars ?? DEFAULT_EVENT_TEXT_CHARS);
  }

  /**
   * Events are turned into rows (document, full-text, columns) here, on the caller's thread: the writer
   * thread is the pipeline's busier one, and strings cross threads for less than event objects.
   */
  write(batch: StoreBatch): Promise<StoreBatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const { events = [], eventDocuments, ...rest } = batch;
    return new Promise((resolve, reject) => {
      // A record that cannot be turned into a row (a bad timestamp) rejects this write only, before it is sent.
      const rows = eventRows(events, this.eventTextChars, eventDocuments);
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'write', id, batch: rest, eventRows: rows });
    });
  }

  async close(): Promise<void> {
    this.checkpointer.postMessage({ type: 'close' });
    if (!this.failure) {
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ type: 'close' });
      await exited;
    }
    await this.checkpointerExited;
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

/** Resolves when the thread reports its connection open; rejects with what it reported otherwise. */
function ready(worker: Worker, role: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (reply: Reply): void => {
      worker.off('error', onError);
      if (reply.type === 'ready') resolve();
      else reject(new StoreError(StoreErrorCode.Unavailable, `the store ${role} thread could not open the store: ${'error' in reply ? reply.error.message : reply.type}`));
    };
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

/**
 * A thread with the process's options minus conditions; when Node refuses them for a thread (V8 flags
 * such as --max-semi-space-size are per process), with none.
 */
function startWorker(script: URL, workerData: unknown, execArgv: string[]): Worker {
  try {
    return new Worker(script, { workerData, execArgv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(script, { workerData, execArgv: [] });
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
