import { Worker } from 'node:worker_threads';
import { UsageError } from '../cli/usage.error.js';
import type { CollectorConfig } from '../config/collector-config.schema.js';
import { QuarantineRegistry, type QuarantineEntry } from '../quarantine/quarantine.registry.js';
import type { RequestIds } from './rpc-frame.decoder.js';
import { createTapRing, TapRingWriter, type TapKind } from './tap.ring.js';

/** Messages from the telemetry worker to the relay thread. */
export type WorkerMessage =
  | { type: 'ready'; config: CollectorConfig }
  /** The spool and the bus are open (or failed to open): the quarantine source is being read from now on. */
  | { type: 'started' }
  | { type: 'config-error'; message: string }
  | { type: 'quarantine'; entries: QuarantineEntry[]; ready: boolean }
  | { type: 'request-ids'; query: number; answer: RequestIds | null }
  | { type: 'stopped' };

/** Messages from the relay thread to the telemetry worker. */
export type RelayMessage =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> }
  | { type: 'request-ids'; query: number; channel: number }
  | { type: 'shutdown'; why: string };

const MAX_BACKLOG = 10_000;

/** The command line as given: the worker validates it (zod lives there, not on the relay thread). */
export interface RawCollectorSettings {
  mode: 'stdio' | 'http';
  flags: Record<string, string | boolean>;
  env: Record<string, string | undefined>;
  command: string[];
  cwd: string;
}

export interface TelemetryWorkerData {
  settings: RawCollectorSettings;
  ring: SharedArrayBuffer;
}

export interface TelemetryLinkOptions {
  ringBytes: number;
  /**
   * Longest wait for the quarantine state, from when the worker has opened its spool and bus, before
   * listings and calls go through unchecked.
   */
  quarantineWarmupMs: number;
  /** The worker's module (by default the telemetry worker; tests give a stand-in that speaks its messages). */
  worker?: URL;
}

/**
 * The relay thread's handle on the telemetry worker. The worker does everything but relaying: parsing,
 * pairing, redaction, validation, the bus (whose sqlite adapter is synchronous), the spool and the
 * quarantine source. The relay thread writes copies into a shared ring (no per-message work beyond a
 * memcpy) and keeps a replica of the quarantine state, pushed by the worker, for the gate to consult.
 */
export class TelemetryLink {
  readonly registry: QuarantineRegistry;
  /**
   * The validated config, once the worker has checked every flag and variable; rejects with a UsageError
   * naming the first bad one (nothing has been started then).
   */
  readonly configured: Promise<CollectorConfig>;
  private readonly writer: TapRingWriter;
  private readonly worker: Worker;
  private nextChannel = 1;
  /** Essential records (open, close, blocked, heads) that found the ring full, in order. */
  private backlog: { kind: TapKind; channel: number; at: number; meta: Buffer | null }[] = [];
  private retry: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  private failure: Error | null = null;
  /** `requestIds` questions waiting for the worker's answer, by query number. */
  private readonly questions = new Map<number, (answer: RequestIds | null) => void>();
  private nextQuery = 1;

  constructor(settings: RawCollectorSettings, options: TelemetryLinkOptions, onFailure: (error: Error) => void) {
    this.registry = new QuarantineRegistry(typeof settings.flags['server'] === 'string' ? settings.flags['server'] : '');
    const ring = createTapRing(options.ringBytes);
    this.writer = new TapRingWriter(ring);
    const data: TelemetryWorkerData = { settings, ring };
    this.worker = new Worker(options.worker ?? new URL('./telemetry.worker.js', import.meta.url), {
      workerData: data,
      // A small young generation keeps the worker's resident memory low under a steady stream of events.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 128 },
      // Stdout belongs to JSON-RPC: whatever a library in the worker might print goes to stderr instead.
      stdout: true,
      stderr: false,
    });
    this.worker.stdout.pipe(process.stderr);
    this.configured = new Promise<CollectorConfig>((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            resolve(message.config);
            break;
          case 'started': {
            // The wait for the quarantine state is bounded from here, once the worker reads its source:
            // counted from the worker's start, its module loading used up the bound on a loaded machine;
            // counted from `ready`, opening the spool and the bus did (the worker runs at a lower priority),
            // and the first tools/list or tools/call of a quarantined tool went through.
            const warmup = setTimeout(() => this.registry.markReady(), options.quarantineWarmupMs);
            warmup.unref();
            break;
          }
          case 'config-error':
            reject(new UsageError(message.message));
            break;
          case 'quarantine':
            this.registry.replaceAll(message.entries);
            if (message.ready) this.registry.markReady();
            break;
          case 'request-ids':
            this.questions.get(message.query)?.(message.answer);
            break;
          case 'stopped':
            break;
        }
      });
      this.worker.once('error', (error) => {
        this.failure = error;
        // No quarantine state will come: listings and calls go on unchecked, as the relay does.
        this.registry.markReady();
        reject(error);
        onFailure(error);
      });
      this.worker.once('exit', (code) => {
        for (const answer of [...this.questions.values()]) answer(null);
        this.registry.markReady();
        if (code !== 0 && !this.failure) {
          this.failure = new Error(`telemetry worker exited with ${code}`);
          reject(this.failure);
          onFailure(this.failure);
        }
      });
    });
    this.configured.catch(() => undefined);
  }

  /** A new channel number (one per stdio session or http exchange). */
  channel(): number {
    const channel = this.nextChannel;
    this.nextChannel = (this.nextChannel % 0xfffffffe) + 1;
    return channel;
  }

  /** Copies dropped so far because the ring was full. */
  get drops(): number {
    return this.writer.drops;
  }

  /**
   * Hot path: one record into the ring; false when it was dropped. An `essential` record (no data) is
   * never dropped: when the ring is full it waits in a small backlog, and data records are dropped until
   * the backlog is through, so the order of records is always kept.
   */
  write(kind: TapKind, channel: number, meta: object | null, data: Buffer | null, essential = false): boolean {
    const at = performance.timeOrigin + performance.now();
    const metaBytes = meta ? Buffer.from(JSON.stringify(meta)) : null;
    if (this.backlog.length > 0) this.flushBacklog();
    if (this.backlog.length === 0 && this.writer.write(kind, channel, at, metaBytes, data)) return true;
    if (!essential || this.backlog.length >= MAX_BACKLOG) return false;
    this.backlog.push({ kind, channel, at, meta: metaBytes });
    this.scheduleRetry();
    return true;
  }

  private scheduleRetry(): void {
    this.retry ??= setTimeout(() => {
      this.retry = null;
      this.flushBacklog();
      if (this.backlog.length > 0) this.scheduleRetry();
    }, 5);
  }

  private flushBacklog(): void {
    while (this.backlog.length > 0) {
      const record = this.backlog[0] as (typeof this.backlog)[number];
      if (!this.writer.write(record.kind, record.channel, record.at, record.meta, null)) return;
      this.backlog.shift();
    }
  }

  /**
   * The requests in the body of an HTTP exchange whose request has ended (its `ClientEnd` written), as the
   * worker parsed them from its copy: the relay keeps no copy of a streamed body. Off the hot path: asked
   * only when the collector must answer a request itself (the server is unreachable). Null when the
   * worker cannot tell (copy dropped, not JSON-RPC, worker gone) or does not answer within `timeoutMs`.
   */
  requestIds(channel: number, timeoutMs: number): Promise<RequestIds | null> {
    if (this.failure) return Promise.resolve(null);
    const query = this.nextQuery;
    this.nextQuery = (this.nextQuery % Number.MAX_SAFE_INTEGER) + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), timeoutMs);
      const settle = (answer: RequestIds | null) => {
        clearTimeout(timer);
        this.questions.delete(query);
        resolve(answer);
      };
      this.questions.set(query, settle);
      // The question must reach the worker after the exchange's records: those waiting in the backlog go first.
      const ask = () => {
        if (!this.questions.has(query)) return;
        this.flushBacklog();
        if (this.backlog.length > 0) {
          setTimeout(ask, 2);
          return;
        }
        const question: RelayMessage = { type: 'request-ids', query, channel };
        this.worker.postMessage(question);
      };
      ask();
    });
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    if (this.failure) return;
    const note: RelayMessage = { type: 'log', level, message, fields };
    this.worker.postMessage(note);
  }

  /** Asks the worker to parse what is left, flush to the bus (or spool) and stop; bounded by `deadlineMs`. */
  shutdown(why: string, deadlineMs: number): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.failure) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        void this.worker.terminate();
        resolve();
      }, deadlineMs);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const send = () => {
        this.flushBacklog();
        if (this.backlog.length > 0) {
          setTimeout(send, 2);
          return;
        }
        const note: RelayMessage = { type: 'shutdown', why };
        this.worker.postMessage(note);
      };
      send();
    });
    return this.stopped;
  }
}
