import { randomUUID } from 'node:crypto';
import { type ConsumerConfig, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import { type BatchHandler, type BusMessage } from '../bus.port.js';
import { BaseConsumer } from '../shared/base.consumer.js';
import { type BusLogger } from '../shared/bus.logger.js';
import { type ResolvedConsumerOptions } from '../shared/consumer-options.js';
import { errorMessage } from '../shared/error-message.js';
import { WakeupSignal } from '../shared/wakeup.signal.js';
import { type KafkaAdminLike, type KafkaClientLike, type KafkaConsumerLike } from './kafka-client.port.js';
import { describeKafkaError } from './kafka-error.classifier.js';

/** Where a group stands on each partition, for lag in ms: the timestamp of the oldest uncommitted message fetched. */
export type PartitionProgress = Map<number, number>;

export interface KafkaConsumerSettings {
  client: KafkaClientLike;
  /** The bus's shared admin client (connected by the bus), for removing an ephemeral group. */
  admin: () => Promise<KafkaAdminLike>;
  ensureTopic: (topic: string) => Promise<void>;
  logger: BusLogger;
  /** Progress of this group per partition, shared with the bus's `lag()`. */
  progress: PartitionProgress;
  consumerConfig?: Partial<ConsumerConfig>;
}

/** Longest slice of a redelivery wait between two heartbeats (kafkajs' default heartbeat interval is 3 s). */
const HEARTBEAT_SLICE_MS = 1_000;
/** kafkajs' default `heartbeatInterval`. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

function toBusMessage(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ? message.value.toString('utf8') : '',
    timestampMs: Number(message.timestamp),
  };
}

/**
 * A kafkajs consumer in a group with `autoCommit: false`: each partition batch is handed to the handler
 * in chunks of `maxBatch`; a chunk's offset is resolved and committed only after the handler resolved,
 * and heartbeats go out while the handler works. When the handler throws, the chunk is delivered again after a backoff, with heartbeats meanwhile so
 * the member keeps its partitions; a rebalance or stop ends the wait and the new owner starts from the
 * last commit. Ephemeral consumers use a unique group id, never commit, and delete their group on stop.
 */
export class KafkaConsumer extends BaseConsumer {
  private readonly stopped = new WakeupSignal();
  private consumer: KafkaConsumerLike | null = null;
  private finish: (() => void) | null = null;

  constructor(
    options: ResolvedConsumerOptions,
    private readonly settings: KafkaConsumerSettings,
  ) {
    super(options, settings.logger);
  }

  protected async halt(): Promise<void> {
    this.stopped.wake();
    const consumer = this.consumer;
    // kafkajs' stop() waits for the batch in flight: its chunk finishes, commits, and the loop ends.
    if (consumer) await consumer.stop().catch((error: unknown) => this.logger.warn(`kafka consumer stop: ${describeKafkaError(error)}`));
    this.finish?.();
  }

  protected async consume(handler: BatchHandler): Promise<void> {
    const { group, topic, ephemeral, fromBeginning } = this.options;
    const groupId = ephemeral ? `${group}.ephemeral.${randomUUID()}` : group;
    const consumer = this.settings.client.consumer({ groupId, allowAutoTopicCreation: false, ...this.settings.consumerConfig });
    this.consumer = consumer;
    const finished = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      consumer.on('consumer.crash', (event) => {
        if (!event.payload.restart) reject(new Error(`kafka consumer of group ${group} crashed: ${describeKafkaError(event.payload.error)}`));
      });
    });
    try {
      await this.settings.ensureTopic(topic);
      await consumer.connect();
      if (this.stopping) return;
      await consumer.subscribe({ topics: [topic], fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.eachBatch(payload, handler),
      });
      if (this.stopping) return;
      await finished;
    } finally {
      this.finish = null;
      this.consumer = null;
      this.settings.progress.clear();
      await consumer.disconnect().catch((error: unknown) => this.logger.warn(`kafka consumer disconnect: ${describeKafkaError(error)}`));
      if (ephemeral) await this.forget(groupId);
    }
  }

  private async eachBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    const messages = batch.messages.map((message) => toBusMessage(topic, partition, message));
    let attempt = 0;
    let next = 0;
    while (next < messages.length && isRunning() && !isStale() && !this.stopping) {
      const chunk = messages.slice(next, next + this.options.maxBatch);
      this.settings.progress.set(partition, (chunk[0] as BusMessage).timestampMs);
      const retryInMs = await this.whileHeartbeating(heartbeat, isRunning, () => this.handOver(handler, chunk, attempt + 1));
      if (retryInMs > 0) {
        attempt += 1;
        await this.waitWithHeartbeats(retryInMs, heartbeat, isRunning);
        continue; // the same chunk again: nothing was resolved or committed
      }
      attempt = 0;
      const last = (chunk[chunk.length - 1] as BusMessage).offset;
      resolveOffset(last);
      if (!this.options.ephemeral) {
        // Committed through the batch's own call: it works during stop(), when consumer.commitOffsets would not.
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }] });
      }
      next += chunk.length;
      const following = messages[next];
      if (following) this.settings.progress.set(partition, following.timestampMs);
      else this.settings.progress.delete(partition);
      await heartbeat();
    }
  }

  /**
   * Runs the handler while heartbeating every `heartbeatInterval`. kafkajs sends heartbeats only when
   * asked (between batches, or through the batch's `heartbeat()`), and the group coordinator removes a
   * member it has not heard from for `sessionTimeout` (30 s by default): without this, a chunk that takes
   * longer (a slow or overloaded store) would cost the member its partitions, fail its commit, and be
   * delivered again, possibly forever. A failed heartbeat is left for the commit that follows to report.
   */
  private async whileHeartbeating<T>(heartbeat: () => Promise<void>, isRunning: () => boolean, work: () => Promise<T>): Promise<T> {
    const every = this.settings.consumerConfig?.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const timer = setInterval(() => {
      if (isRunning()) heartbeat().catch(() => undefined);
    }, every);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async waitWithHeartbeats(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    let left = ms;
    while (left > 0 && isRunning() && !this.stopping) {
      const slice = Math.min(left, HEARTBEAT_SLICE_MS);
      await this.stopped.wait(slice);
      left -= slice;
      if (isRunning() && !this.stopping) await heartbeat();
    }
  }

  private async forget(groupId: string): Promise<void> {
    try {
      const admin = await this.settings.admin();
      await admin.deleteGroups([groupId]);
    } catch (error) {
      this.logger.warn(`could not delete ephemeral kafka group ${groupId} (the broker expires it): ${errorMessage(error)}`);
    }
  }

}
