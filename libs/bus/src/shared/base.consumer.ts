import { type BatchHandler, type BusConsumer, type BusMessage } from '../bus.port.js';
import { backoffDelay } from './backoff.policy.js';
import { type BusLogger } from './bus.logger.js';
import { type ResolvedConsumerOptions } from './consumer-options.js';
import { asError } from './error-message.js';

/**
 * What every adapter's consumer shares: one `run` at a time, `stop` that waits for the run to end, and
 * handler failures reported to `onError` (or the log when the owner gave none).
 */
export abstract class BaseConsumer implements BusConsumer {
  protected stopping = false;
  private running: Promise<void> | null = null;
  private retired = false;

  protected constructor(
    protected readonly options: ResolvedConsumerOptions,
    protected readonly logger: BusLogger,
  ) {}

  run(handler: BatchHandler): Promise<void> {
    if (this.retired) return Promise.reject(new Error(`consumer of group ${this.options.group} on ${this.options.topic}: the bus is closed`));
    if (this.running) return Promise.reject(new Error(`consumer of group ${this.options.group} on ${this.options.topic} is already running`));
    this.stopping = false;
    const running = this.consume(handler).finally(() => {
      this.running = null;
    });
    this.running = running;
    return running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.halt();
    await this.running?.catch(() => undefined);
  }

  /** Stops for good: the bus is closing, so `run` may not start again. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.stop();
  }

  /** Delivers batches until `stopping`; resolves when done. */
  protected abstract consume(handler: BatchHandler): Promise<void>;

  /** Cuts waits short and tells the underlying client to stop, without waiting for `consume` to end. */
  protected abstract halt(): Promise<void>;

  /**
   * Hands a batch to the handler. Returns 0 when it resolved, else reports the failure and returns the
   * delay before the batch is delivered again (`attempt`: 1 for its first failure, 2 for the next, …).
   */
  protected async handOver(handler: BatchHandler, batch: readonly BusMessage[], attempt: number): Promise<number> {
    try {
      await handler(batch);
      return 0;
    } catch (error) {
      const retryInMs = Math.max(1, backoffDelay(attempt, this.options.retryBackoff));
      this.reportError(asError(error), attempt, retryInMs);
      return retryInMs;
    }
  }

  protected reportError(error: Error, attempt: number, retryInMs: number): void {
    const context = { group: this.options.group, topic: this.options.topic, attempt, retryInMs };
    if (this.options.onError) this.options.onError(error, context);
    else this.logger.warn(`group ${this.options.group} on ${this.options.topic}: ${error.message}`, { attempt, retryInMs });
  }
}
