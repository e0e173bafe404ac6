import type { Logger } from 'pino';
import type { CollectorCounters } from '../health/collector.counters.js';
import type { TelemetrySink } from '../sinks/telemetry.sink.js';
import type { DeadLetterFile } from './dead-letter.file.js';
import type { DiskSpool } from './disk.spool.js';
import type { EventQueue, QueuedEvent } from './event.queue.js';

export interface ShipperSettings {
  flushMs: number;
  batchSize: number;
}

/** Backoff before the bus is tried again after a failure: doubles from 250 ms up to 5 s. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;
/** How long a stopping collector goes on replaying its spool to a bus that is back. */
const STOP_REPLAY_MS = 2000;
/** Spool records replayed per flush at most, so a long replay never holds the event loop for long. */
const REPLAY_RECORDS_PER_FLUSH = 40;

/**
 * Moves events from the in-memory queue to the sink every `flushMs` (or as soon as a batch is full).
 * While the sink is slow or down, batches go to the disk spool instead; once the sink answers again, the
 * spools (those claimed from dead collectors first, then its own) are replayed in order, and new batches
 * keep going to the spool until it is empty, so order is kept. Only a spool record that reached the sink is
 * committed: at least once, never lost.
 */
export class EventShipper {
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private retryAt = 0;
  private retryMs = RETRY_MIN_MS;
  private sink: TelemetrySink | null = null;
  private readonly replaying: DiskSpool[] = [];
  private lastError = '';
  private replayListener: ((events: number, drained: boolean) => void) | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly spool: DiskSpool,
    private readonly deadLetters: DeadLetterFile,
    private readonly counters: CollectorCounters,
    private readonly logger: Logger,
    private readonly settings: ShipperSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.counters.spoolBytes = spool.unreadBytes;
  }

  /** The sink becomes available (bus opened); until then everything waits in the queue or the spool. */
  attachSink(sink: TelemetrySink): void {
    this.sink = sink;
  }

  /** Told of every spool record delivered, and whether the spools are empty after it. */
  onReplayed(listener: (events: number, drained: boolean) => void): void {
    this.replayListener = listener;
  }

  /** Whether the spools (its own and those adopted) still hold events. */
  get hasBacklog(): boolean {
    return !this.spoolsEmpty();
  }

  /** A spool left by a dead collector: replayed before this collector's own. */
  adopt(spool: DiskSpool): void {
    this.replaying.push(spool);
    this.updateSpoolBytes();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.settings.flushMs);
  }

  /** Asks for a flush soon (a batch is full); never runs one on the caller's stack. */
  nudge(): void {
    if (!this.flushing) setImmediate(() => void this.flush());
  }

  /** One flush; concurrent calls share the one in flight. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce()
      .catch((error: unknown) => {
        this.counters.internalErrors += 1;
        this.logger.error({ err: error }, 'flush failed (contained)');
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /**
   * Final flush at shutdown: everything still queued, and what the spools hold, goes to the sink if it
   * answers (the spools for up to STOP_REPLAY_MS), otherwise to the spool (replayed by the next collector
   * on this PALISADE_HOME).
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    if (this.queue.size > 0 || !this.spoolsEmpty()) {
      // The bus may be back while the backoff still waits (up to 5 s): one more try now, and what the
      // spools hold is replayed while the bus takes it, for a bounded time. Otherwise a collector that
      // exits right after an outage would leave its events on disk until the next collector starts.
      this.retryAt = 0;
      const deadline = this.now() + STOP_REPLAY_MS;
      do await this.flush();
      while (!this.spoolsEmpty() && this.sinkUsable && this.now() < deadline);
    }
    while (this.queue.size > 0) await this.toSpool(this.queue.take(this.settings.batchSize));
    for (const spool of this.replaying) if (!(await spool.removeIfDrained())) await spool.close();
    await this.sink?.close().catch(() => undefined);
  }

  private get sinkUsable(): boolean {
    return this.sink !== null && this.now() >= this.retryAt;
  }

  private spoolsEmpty(): boolean {
    return this.spool.isEmpty && this.replaying.every((s) => s.isEmpty);
  }

  private async flushOnce(): Promise<void> {
    while (this.queue.size > 0) {
      const batch = this.queue.take(this.settings.batchSize);
      if (this.spoolsEmpty() && this.sinkUsable && (await this.send(batch))) continue;
      await this.toSpool(batch);
    }
    if (!this.spoolsEmpty() && this.sinkUsable) await this.replay();
    this.updateSpoolBytes();
  }

  /** Sends one batch; true when it is on the sink (or dead-lettered as refused), false to spool it. */
  private async send(batch: QueuedEvent[]): Promise<boolean> {
    const sink = this.sink as TelemetrySink;
    const result = await sink.send(batch);
    if (result.kind === 'success') {
      this.counters.shipped += batch.length;
      if (this.retryMs !== RETRY_MIN_MS) this.logger.info({ sink: sink.name }, 'sink is back: shipping resumed');
      this.retryMs = RETRY_MIN_MS;
      this.lastError = '';
      return true;
    }
    this.counters.busErrors += 1;
    if (result.kind === 'failure') {
      this.logger.error({ sink: sink.name, error: result.error, events: batch.length }, 'sink refused a batch: kept aside as dead letters');
      for (const event of batch) await this.deadLetters.keep(`refused by ${sink.name}: ${result.error}`, event.json);
      this.counters.deadLetters += batch.length;
      return true;
    }
    if (result.error !== this.lastError) this.logger.warn({ sink: sink.name, error: result.error }, 'sink unavailable: spooling to disk');
    this.lastError = result.error;
    this.retryAt = this.now() + this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    return false;
  }

  private async toSpool(batch: QueuedEvent[]): Promise<void> {
    try {
      if ((await this.spool.append(batch)) === 'ok') {
        this.counters.spooled += batch.length;
        return;
      }
      this.logger.error({ events: batch.length, spoolBytes: this.spool.unreadBytes }, 'spool full: events dropped');
    } catch (error) {
      this.logger.error({ err: error, events: batch.length }, 'could not write the spool: events dropped');
    }
    this.counters.spoolDrops += batch.length;
  }

  /** Replays spooled records in order while the sink accepts them. */
  private async replay(): Promise<void> {
    let records = 0;
    for (const spool of [...this.replaying, this.spool]) {
      while (records < REPLAY_RECORDS_PER_FLUSH) {
        const record = await spool.peek();
        if (!record) break;
        if (!(await this.send(record.events))) return;
        await spool.commit(record.next);
        records += 1;
        this.replayListener?.(record.events.length, this.spoolsEmpty());
      }
      if (records >= REPLAY_RECORDS_PER_FLUSH) return;
      if (spool !== this.spool && spool.isEmpty) {
        this.replaying.splice(this.replaying.indexOf(spool), 1);
        await spool.removeIfDrained();
        this.logger.info({ spool: spool.dir }, 'spool of an earlier collector replayed');
      }
    }
  }

  private updateSpoolBytes(): void {
    this.counters.spoolBytes = this.spool.unreadBytes + this.replaying.reduce((sum, s) => sum + s.unreadBytes, 0);
  }
}
