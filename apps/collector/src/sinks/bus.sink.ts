import type { BusProducer, PublishResult } from '@palisade/bus';
import type { QueuedEvent } from '../pipeline/event.queue.js';
import type { TelemetrySink } from './telemetry.sink.js';

/**
 * Ships batches to a bus topic through the bus port. A publish that takes longer than `timeoutMs` counts as
 * `retryable` (the batch goes to the spool; should the late publish land after all, the consumers
 * deduplicate on event ids).
 */
export class BusSink implements TelemetrySink {
  readonly name: string;

  constructor(
    private readonly producer: BusProducer,
    private readonly topic: string,
    private readonly timeoutMs: number,
    kind: string,
  ) {
    this.name = `${kind} bus (${topic})`;
  }

  async send(events: readonly QueuedEvent[]): Promise<PublishResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<PublishResult>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'retryable', error: `publish took longer than ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      const publish = this.producer.publish(
        this.topic,
        events.map((event) => ({ key: event.key, value: event.json })),
      );
      return await Promise.race([publish.catch((error: unknown) => ({ kind: 'retryable' as const, error: String(error) })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
