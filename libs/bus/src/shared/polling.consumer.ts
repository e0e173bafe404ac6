import { type BatchHandler, type BusMessage } from '../bus.port.js';
import { BaseConsumer } from './base.consumer.js';
import { type BusLogger } from './bus.logger.js';
import { type ResolvedConsumerOptions } from './consumer-options.js';
import { asError, errorMessage } from './error-message.js';
import { WakeupSignal } from './wakeup.signal.js';

/**
 * One group's view of a log that is read by polling (the sqlite log, the in-memory one). Positions are
 * offsets: a consumer at position P has handled everything up to P and reads what comes after.
 */
export interface LogCursor {
  /** Joins the group: the committed position to read after, or null while another member is active. */
  join(): number | null;
  /** Keeps the membership alive; false once it was lost (another member took over). */
  renew(): boolean;
  read(after: number, max: number): BusMessage[];
  /** Commits a position; false when the membership was lost (nothing written: the batch goes to the new member). */
  commit(position: number): boolean;
  /** Leaves the group so a standby member can take over at once. */
  leave(): void;
}

export interface PollingConsumerTiming {
  /** How often an active member renews its membership. */
  heartbeatMs: number;
  /** How often a standby member tries to join. */
  standbyPollMs: number;
  /** Wait after a failed read (database busy, I/O error) before trying again. */
  readErrorBackoffMs: number;
}

/**
 * The delivery loop shared by polling adapters: adaptive idle polling (about 1 ms doubling up to
 * `pollIntervalMs`, back to immediate reads while messages flow), commit only after the handler
 * resolved, redelivery with backoff when it threw, membership renewed by a heartbeat and fenced on
 * commit. `wakeups` lets a publish in the same process wake idle consumers at once.
 */
export class PollingConsumer extends BaseConsumer {
  private readonly idle = new WakeupSignal();
  private readonly stopped = new WakeupSignal();
  private joined = false;
  private position = 0;
  private committed = 0;

  constructor(
    private readonly cursor: LogCursor,
    options: ResolvedConsumerOptions,
    private readonly timing: PollingConsumerTiming,
    logger: BusLogger,
    private readonly wakeups: Set<WakeupSignal>,
  ) {
    super(options, logger);
  }

  protected halt(): Promise<void> {
    this.idle.wake();
    this.stopped.wake();
    return Promise.resolve();
  }

  protected async consume(handler: BatchHandler): Promise<void> {
    this.wakeups.add(this.idle);
    const heartbeat = setInterval(() => this.renew(), this.timing.heartbeatMs);
    heartbeat.unref();
    let idleMs = 0;
    let attempt = 0;
    try {
      while (!this.stopping) {
        if (!this.joined && !this.tryJoin()) {
          // Standby: only stop() cuts this short (a publish must not make it poll the lease faster).
          await this.stopped.wait(this.timing.standbyPollMs);
          continue;
        }
        const batch = this.tryRead();
        if (batch === null) {
          await this.stopped.wait(this.timing.readErrorBackoffMs);
          continue;
        }
        if (batch.length === 0) {
          this.flushCommit();
          idleMs = idleMs === 0 ? 1 : Math.min(idleMs * 2, this.options.pollIntervalMs);
          await this.idle.wait(idleMs);
          continue;
        }
        idleMs = 0;
        const retryInMs = await this.handOver(handler, batch, attempt + 1);
        if (retryInMs > 0) {
          attempt += 1;
          // Not committed: the next read starts at the same position, so the batch comes again.
          await this.stopped.wait(retryInMs);
          continue;
        }
        attempt = 0;
        this.position = Number(batch[batch.length - 1]?.offset ?? this.position);
        this.flushCommit();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      clearInterval(heartbeat);
      this.wakeups.delete(this.idle);
      if (this.joined) {
        this.flushCommit();
        this.leave();
      }
    }
  }

  private tryJoin(): boolean {
    try {
      const position = this.cursor.join();
      if (position === null) return false;
      this.position = position;
      this.committed = position;
      this.joined = true;
      return true;
    } catch (error) {
      this.logger.warn(`group ${this.options.group} on ${this.options.topic} could not join yet: ${errorMessage(error)}`);
      return false;
    }
  }

  private tryRead(): BusMessage[] | null {
    try {
      return this.cursor.read(this.position, this.options.maxBatch);
    } catch (error) {
      this.logger.warn(`group ${this.options.group} could not read ${this.options.topic}: ${errorMessage(error)}`);
      return null;
    }
  }

  private renew(): void {
    if (!this.joined) return;
    try {
      if (!this.cursor.renew()) this.lost('its lease expired and another member took over');
    } catch (error) {
      // A busy database delays the heartbeat; the lease survives until its timeout, the next renew retries.
      this.logger.warn(`group ${this.options.group} could not renew its lease: ${errorMessage(error)}`);
    }
  }

  private flushCommit(): void {
    if (!this.joined || this.position <= this.committed) return;
    try {
      if (this.cursor.commit(this.position)) this.committed = this.position;
      else this.lost('its commit was fenced: another member holds the group');
    } catch (error) {
      // The handled position stays in memory and is committed with the next batch (or redelivered after a crash).
      this.reportError(asError(error), 0, 0);
    }
  }

  private lost(why: string): void {
    this.joined = false;
    this.logger.warn(`group ${this.options.group} on ${this.options.topic} lost its membership (${why}); uncommitted messages go to the new member`);
  }

  private leave(): void {
    this.joined = false;
    try {
      this.cursor.leave();
    } catch (error) {
      this.logger.warn(`group ${this.options.group} could not release its lease (it expires on its own): ${errorMessage(error)}`);
    }
  }

}
