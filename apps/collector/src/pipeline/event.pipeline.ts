import type { Logger } from 'pino';
import type { CollectorCounters } from '../health/collector.counters.js';
import type { AssembledEvent } from './assembled-event.js';
import type { DeadLetterFile } from './dead-letter.file.js';
import type { EventEncoder } from './event.encoder.js';
import type { EventQueue } from './event.queue.js';

/** Events encoded per turn of the event loop before yielding, so the relay is never held up for long. */
const SLICE_EVENTS = 32;
const SLICE_MS = 2;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The encoding stage between the assemblers and the queue: takes assembled events, encodes them in order
 * (redaction, capture limit, validation) in small slices off the message path, and offers them to the
 * bounded queue. Its own backlog is bounded too: beyond `maxBacklog`, events are dropped and counted.
 */
export class EventPipeline {
  private backlog: AssembledEvent[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly encoder: EventEncoder,
    private readonly queue: EventQueue,
    private readonly deadLetters: DeadLetterFile,
    private readonly counters: CollectorCounters,
    private readonly logger: Logger,
    private readonly maxBacklog: number,
  ) {}

  /** Called by the assemblers (already off the relay path). Never throws, never waits. */
  submit(event: AssembledEvent): void {
    if (this.backlog.length >= this.maxBacklog) {
      this.counters.queueDrops += 1;
      return;
    }
    this.backlog.push(event);
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every submitted event is in the queue (or dropped). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    await yieldToLoop();
    let sliceStart = performance.now();
    let inSlice = 0;
    while (this.backlog.length > 0) {
      const batch = this.backlog;
      this.backlog = [];
      for (const event of batch) {
        await this.encodeOne(event);
        inSlice += 1;
        if (inSlice >= SLICE_EVENTS || performance.now() - sliceStart > SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
          inSlice = 0;
        }
      }
    }
  }

  private async encodeOne(event: AssembledEvent): Promise<void> {
    try {
      const result = await this.encoder.encode(event);
      this.counters.events += 1;
      if (result.ok) {
        this.queue.offer({ id: result.id, key: result.key, json: result.json });
        return;
      }
      this.counters.deadLetters += 1;
      this.logger.warn({ eventId: result.id, reason: result.reason }, 'telemetry event failed validation: kept aside');
      void this.deadLetters.keep(result.reason, result.json);
    } catch (error) {
      this.counters.internalErrors += 1;
      this.logger.error({ err: error }, 'could not encode a telemetry event');
    }
  }
}
