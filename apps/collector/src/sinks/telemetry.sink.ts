import type { PublishResult } from '@palisade/bus';
import type { QueuedEvent } from '../pipeline/event.queue.js';

/**
 * Where the shipper sends batches of encoded events: the bus (sqlite, kafka) or the detector's ingest API.
 * Expected outcomes are results (`success | retryable | failure`), never exceptions.
 */
export interface TelemetrySink {
  readonly name: string;
  send(events: readonly QueuedEvent[]): Promise<PublishResult>;
  close(): Promise<void>;
}
