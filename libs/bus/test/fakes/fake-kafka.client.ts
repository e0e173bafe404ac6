import type {
  ConsumerConfig,
  ConsumerCrashEvent,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  DeleteGroupsResult,
  EachBatchPayload,
  FetchOffsetsPartition,
  IHeaders,
  ITopicConfig,
  KafkaMessage,
  Message,
  ProducerBatch,
  ProducerConfig,
  RecordMetadata,
  SeekEntry,
} from 'kafkajs';
import { KafkaJSProtocolError } from 'kafkajs';
import { type KafkaAdminLike, type KafkaClientLike, type KafkaConsumerLike, type KafkaProducerLike } from '../../src/index.js';

interface StoredRecord {
  key: string | null;
  value: string;
  timestamp: string;
  headers: IHeaders;
}

/**
 * A stand-in for kafkajs that records every call, for unit tests of the Kafka bus's logic (no broker
 * exists on this machine). It models what the adapter relies on: partitions by key, committed offsets
 * per group, fetches that resume after the resolved offset (or the committed one when nothing was
 * resolved), explicit commits, and stop() waiting for the batch in flight. Like a broker, it refuses the
 * record batch of a partition larger than `maxMessageBytes` (Kafka's `message.max.bytes`, 1048588 by
 * default) with MESSAGE_TOO_LARGE: kafkajs sends all the messages of a request for one partition as one
 * batch, and the limit applies to that batch, not to each message.
 */
export class FakeKafka implements KafkaClientLike {
  readonly topics = new Map<string, StoredRecord[][]>();
  readonly committed = new Map<string, bigint>();
  readonly producerConfigs: (ProducerConfig | undefined)[] = [];
  readonly consumerConfigs: ConsumerConfig[] = [];
  readonly sendBatchCalls: ProducerBatch[] = [];
  readonly createTopicsCalls: ITopicConfig[][] = [];
  readonly commits: { groupId: string; topic: string; partition: number; offset: string }[] = [];
  readonly deletedGroups: string[] = [];
  /** Connects, disconnects and stops, in order, e.g. `producer.disconnect`. */
  readonly events: string[] = [];
  readonly consumers: FakeConsumer[] = [];
  /** Partition batches refused as larger than `maxMessageBytes`. */
  readonly refusedBatches: string[] = [];
  /** Errors thrown by the next sendBatch calls, one per call. */
  readonly sendFailures: unknown[] = [];
  /** Errors thrown by the next producer connects. */
  readonly connectFailures: unknown[] = [];
  /** While set, sendBatch waits for it (a request in flight). */
  sendGate: Promise<void> | null = null;
  /** The brokers' `message.max.bytes`: the largest record batch (header included) a partition takes. */
  maxMessageBytes = 1_048_588;

  constructor(readonly defaultPartitions = 3) {}

  producer(config?: ProducerConfig): KafkaProducerLike {
    this.producerConfigs.push(config);
    return {
      connect: async () => {
        const failure = this.connectFailures.shift();
        if (failure) throw failure;
        this.events.push('producer.connect');
      },
      disconnect: async () => {
        this.events.push('producer.disconnect');
      },
      sendBatch: async (batch) => {
        this.sendBatchCalls.push(batch);
        if (this.sendGate) await this.sendGate;
        const failure = this.sendFailures.shift();
        if (failure) throw failure;
        const metadata: RecordMetadata[] = [];
        let refused: string | null = null;
        for (const { topic, messages } of batch.topicMessages ?? []) {
          const partitions = this.partitions(topic, this.defaultPartitions);
          const perPartition = new Map<number, Message[]>();
          for (const message of messages) {
            const partition = message.key === undefined || message.key === null ? 0 : hash(String(message.key)) % partitions.length;
            perPartition.set(partition, [...(perPartition.get(partition) ?? []), message]);
          }
          for (const [partition, batchMessages] of perPartition) {
            const size = recordBatchBytes(batchMessages);
            if (size > this.maxMessageBytes) {
              refused ??= `${topic}-${partition}: record batch of ${size} bytes`;
              continue;
            }
            for (const message of batchMessages) {
              const key = message.key === undefined || message.key === null ? null : String(message.key);
              partitions[partition]!.push({ key, value: String(message.value), timestamp: message.timestamp ?? '0', headers: message.headers ?? {} });
              metadata.push({ topicName: topic, partition, errorCode: 0 });
            }
          }
        }
        this.events.push('producer.sendBatch');
        if (refused) {
          this.refusedBatches.push(refused);
          throw new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept' } as unknown as Error);
        }
        return metadata;
      },
    };
  }

  consumer(config: ConsumerConfig): KafkaConsumerLike {
    this.consumerConfigs.push(config);
    const consumer = new FakeConsumer(this, config.groupId);
    this.consumers.push(consumer);
    return consumer;
  }

  admin(): KafkaAdminLike {
    return {
      connect: async () => {
        this.events.push('admin.connect');
      },
      disconnect: async () => {
        this.events.push('admin.disconnect');
      },
      createTopics: async ({ topics }) => {
        this.createTopicsCalls.push(topics);
        let created = false;
        for (const topic of topics) {
          if (this.topics.has(topic.topic)) continue;
          this.partitions(topic.topic, topic.numPartitions ?? this.defaultPartitions);
          created = true;
        }
        return created;
      },
      fetchTopicOffsets: async (topic): Promise<Array<SeekEntry & { high: string; low: string }>> => {
        const partitions = this.topics.get(topic);
        if (!partitions) throw Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        return partitions.map((records, partition) => ({ partition, offset: String(records.length), high: String(records.length), low: '0' }));
      },
      fetchOffsets: async ({ groupId, topics = [] }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>> =>
        topics.map((topic) => ({
          topic,
          partitions: (this.topics.get(topic) ?? []).map((_, partition) => ({
            partition,
            offset: String(this.committed.get(`${groupId}|${topic}|${partition}`) ?? -1n),
            metadata: null,
          })),
        })),
      deleteGroups: async (groupIds): Promise<DeleteGroupsResult[]> => {
        this.deletedGroups.push(...groupIds);
        return groupIds.map((groupId) => ({ groupId }));
      },
    };
  }

  /** Records of a topic, all partitions, in partition then offset order. */
  records(topic: string): StoredRecord[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  partitions(topic: string, count: number): StoredRecord[][] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: count }, () => []);
      this.topics.set(topic, partitions);
    }
    return partitions;
  }
}

export class FakeConsumer implements KafkaConsumerLike {
  runConfig: ConsumerRunConfig | undefined;
  subscription: ConsumerSubscribeTopics | undefined;
  heartbeats = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly positions = new Map<number, bigint>();
  private readonly crashListeners: ((event: ConsumerCrashEvent) => void)[] = [];

  constructor(
    private readonly kafka: FakeKafka,
    readonly groupId: string,
  ) {}

  async connect(): Promise<void> {
    this.kafka.events.push('consumer.connect');
  }

  async disconnect(): Promise<void> {
    await this.stop();
    this.kafka.events.push('consumer.disconnect');
  }

  async subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    this.subscription = subscription;
  }

  async run(config?: ConsumerRunConfig): Promise<void> {
    this.runConfig = config;
    this.running = true;
    this.loop = this.fetchLoop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.kafka.events.push('consumer.stop');
    await this.loop;
  }

  on(_eventName: 'consumer.crash', listener: (event: ConsumerCrashEvent) => void): () => void {
    this.crashListeners.push(listener);
    return () => undefined;
  }

  /** What kafkajs does when the consumer fails for good. */
  crash(error: Error): void {
    this.running = false;
    for (const listener of this.crashListeners) listener({ id: '0', type: 'consumer.crash', timestamp: Date.now(), payload: { error, groupId: this.groupId, restart: false } });
  }

  private async fetchLoop(): Promise<void> {
    const topic = String(this.subscription?.topics[0]);
    const start = new Map((this.kafka.topics.get(topic) ?? []).map((records, partition) => [partition, BigInt(records.length)]));
    while (this.running) {
      const partitions = this.kafka.topics.get(topic) ?? [];
      for (let partition = 0; partition < partitions.length && this.running; partition += 1) {
        const committed = this.kafka.committed.get(`${this.groupId}|${topic}|${partition}`);
        const position = this.positions.get(partition) ?? committed ?? (this.subscription?.fromBeginning ? 0n : (start.get(partition) ?? 0n));
        const records = partitions[partition]!.slice(Number(position));
        if (records.length === 0) continue;
        const messages: KafkaMessage[] = records.map((record, i) => ({
          key: record.key === null ? null : Buffer.from(record.key),
          value: Buffer.from(record.value),
          timestamp: record.timestamp,
          attributes: 0,
          offset: String(position + BigInt(i)),
          headers: record.headers,
        }));
        let resolved: bigint | null = null;
        const payload: EachBatchPayload = {
          batch: {
            topic,
            partition,
            highWatermark: String(partitions[partition]!.length),
            messages,
            isEmpty: () => messages.length === 0,
            firstOffset: () => messages[0]?.offset ?? null,
            lastOffset: () => messages[messages.length - 1]!.offset,
            offsetLag: () => '0',
            offsetLagLow: () => '0',
          },
          resolveOffset: (offset) => {
            resolved = BigInt(offset);
          },
          heartbeat: async () => {
            this.heartbeats += 1;
          },
          pause: () => () => undefined,
          commitOffsetsIfNecessary: async (offsets) => {
            for (const entry of offsets?.topics ?? []) {
              for (const { partition: p, offset } of entry.partitions) {
                this.kafka.committed.set(`${this.groupId}|${entry.topic}|${p}`, BigInt(offset));
                this.kafka.commits.push({ groupId: this.groupId, topic: entry.topic, partition: p, offset });
              }
            }
          },
          uncommittedOffsets: () => ({ topics: [] }),
          isRunning: () => this.running,
          isStale: () => false,
        };
        await this.runConfig?.eachBatch?.(payload);
        // kafkajs fetches next after the resolved offset; with nothing resolved, from the same place again.
        const after: bigint | null = resolved;
        this.positions.set(partition, after === null ? position : after + 1n);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

function hash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i += 1) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h;
}

/** Bytes of a zigzag varint (Kafka's record framing). */
function varintBytes(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    bytes += 1;
  }
  return bytes;
}

/** Size of a v2 record batch holding these messages, as the broker measures it against `message.max.bytes`. */
function recordBatchBytes(messages: readonly Message[]): number {
  const bytes = (value: unknown): number => (value === null || value === undefined ? 0 : Buffer.byteLength(String(value), 'utf8'));
  let size = 61; // base offset, length, leader epoch, magic, crc, attributes, deltas, timestamps, producer, sequence, count
  messages.forEach((message, offsetDelta) => {
    const key = message.key === null || message.key === undefined ? -1 : bytes(message.key);
    const value = bytes(message.value);
    const headers = Object.entries(message.headers ?? {});
    let body = 1 + varintBytes(0) + varintBytes(offsetDelta) + varintBytes(key) + Math.max(key, 0) + varintBytes(value) + value + varintBytes(headers.length);
    for (const [name, headerValue] of headers) body += varintBytes(bytes(name)) + bytes(name) + varintBytes(bytes(headerValue)) + bytes(headerValue);
    size += varintBytes(body) + body;
  });
  return size;
}
