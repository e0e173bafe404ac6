import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';
import { type ConsumerConfig, type KafkaConfig, type RetryOptions, type SASLOptions } from 'kafkajs';
import { type Bus, type BusConsumer, type BusProducer, type ConsumerLag, type ConsumerOptions, type DeadLetter } from '../bus.port.js';
import { type KafkaSaslConfig } from '../config/bus.config.js';
import { type BackoffPolicy } from '../shared/backoff.policy.js';
import { type BusLogger, stderrBusLogger } from '../shared/bus.logger.js';
import { resolveConsumerOptions } from '../shared/consumer-options.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../shared/outgoing-message.check.js';
import { topicNameProblem } from '../shared/topic-name.js';
import { type KafkaAdminLike, type KafkaClientLike } from './kafka-client.port.js';
import { describeKafkaError, isUnknownTopicError } from './kafka-error.classifier.js';
import { KafkaConsumer, type PartitionProgress } from './kafka.consumer.js';
import { KafkaProducer } from './kafka.producer.js';

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId?: string;
  /** Partitions of topics this bus creates (default 6). */
  partitions?: number;
  /** Replication factor of topics this bus creates (default: the brokers' default). */
  replicationFactor?: number;
  ssl?: boolean;
  sasl?: KafkaSaslConfig;
  /** A kafkajs client, or a fake with the same shape in tests; built from the options above when absent. */
  client?: KafkaClientLike;
  /** Retries inside kafkajs for each request (default: 5, from 300 ms, at most 5 s apart). */
  kafkaRetry?: RetryOptions;
  /** Attempts of a whole publish (or dead letter) before giving up as `retryable` (default 3). */
  publishAttempts?: number;
  publishBackoff?: BackoffPolicy;
  /** Messages per produce request (default 1000). */
  maxRequestMessages?: number;
  /**
   * Estimated bytes per produce request (default 1,000,000): kafkajs sends a request's messages for one
   * partition as one record batch, which the broker refuses beyond the topic's `max.message.bytes`
   * (1048588 by default), so requests stay under it whatever the partitioning.
   */
  maxRequestBytes?: number;
  maxMessageBytes?: number;
  consumerConfig?: Partial<ConsumerConfig>;
  logger?: BusLogger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const load = createRequire(import.meta.url);
let kafkajs: typeof KafkaJs | null = null;

/** kafkajs, loaded on first use: processes on the sqlite bus (most collectors) never pay its start-up time. */
function kafkaJs(): typeof KafkaJs {
  kafkajs ??= load('kafkajs') as typeof KafkaJs;
  return kafkajs;
}

/**
 * Estimated bytes of one produce request: a record batch of at most this much plus its 61-byte header
 * stays under the brokers' default `message.max.bytes` (1048588).
 */
export const DEFAULT_MAX_REQUEST_BYTES = 1_000_000;

/** Suffix of the topic that keeps a topic's dead letters. */
export const DEAD_LETTER_SUFFIX = '.dlq';

/** Headers of a dead letter on `<topic>.dlq`. */
export const DEAD_LETTER_HEADERS = {
  reason: 'palisade-dlq-reason',
  group: 'palisade-dlq-group',
  topic: 'palisade-dlq-topic',
  partition: 'palisade-dlq-partition',
  offset: 'palisade-dlq-offset',
} as const;

function kafkaLogCreator(logger: BusLogger): KafkaConfig['logCreator'] {
  const { logLevel } = kafkaJs();
  return () =>
    ({ level, log, namespace }) => {
      const text = `kafkajs ${namespace}: ${log.message}`;
      if (level === logLevel.ERROR) logger.error(text);
      else if (level === logLevel.WARN) logger.warn(text);
    };
}

function saslOptions(sasl: KafkaSaslConfig): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/**
 * The distributed bus on Kafka (kafkajs). Topics are created with the configured partitions and
 * replication factor (`ensureTopics`, and before the first publish or subscription of a topic), each
 * with a `<topic>.dlq` for its dead letters. Lag in messages comes from the group's committed offsets;
 * lag in ms is known when this process runs a consumer of the group, otherwise -1.
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly client: KafkaClientLike;
  private readonly logger: BusLogger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly producers = new Set<KafkaProducer>();
  private readonly consumers = new Set<KafkaConsumer>();
  private readonly progress = new Map<string, Set<PartitionProgress>>();
  private readonly ensured = new Map<string, Promise<void>>();
  private adminConnection: Promise<KafkaAdminLike> | null = null;
  private letterProducer: KafkaProducer | null = null;
  private closed = false;

  get maxMessageBytes(): number {
    return this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  constructor(private readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? stderrBusLogger;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const client: KafkaClientLike =
      options.client ??
      new (kafkaJs().Kafka)({
        clientId: options.clientId ?? 'palisade',
        brokers: [...options.brokers],
        ...(options.ssl ? { ssl: true } : {}),
        ...(options.sasl ? { sasl: saslOptions(options.sasl) } : {}),
        retry: options.kafkaRetry ?? { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
        logLevel: kafkaJs().logLevel.WARN,
        logCreator: kafkaLogCreator(this.logger),
      });
    this.client = client;
  }

  producer(): BusProducer {
    if (this.closed) throw new Error('the kafka bus is closed');
    const producer = this.newProducer();
    this.producers.add(producer);
    return producer;
  }

  consumer(options: ConsumerOptions): BusConsumer {
    if (this.closed) throw new Error('the kafka bus is closed');
    const resolved = resolveConsumerOptions(options);
    const progress: PartitionProgress = new Map();
    const key = `${resolved.group}\u0000${resolved.topic}`;
    if (!resolved.ephemeral) {
      const set = this.progress.get(key) ?? new Set<PartitionProgress>();
      set.add(progress);
      this.progress.set(key, set);
    }
    const consumer = new KafkaConsumer(resolved, {
      client: this.client,
      admin: () => this.admin(),
      ensureTopic: (topic) => this.ensureTopic(topic),
      logger: this.logger,
      progress,
      ...(this.options.consumerConfig ? { consumerConfig: this.options.consumerConfig } : {}),
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** Publishes the letter to `<topic>.dlq` with the reason in headers; rejects if Kafka cannot keep it. */
  async deadLetter(letter: Omit<DeadLetter, 'timestampMs'> & { timestampMs?: number }): Promise<void> {
    this.letterProducer ??= this.newProducer();
    const dlq = `${letter.topic}${DEAD_LETTER_SUFFIX}`;
    const result = await this.letterProducer.publish(
      dlq,
      [{ key: `${letter.topic}:${letter.partition}:${letter.offset}`, value: letter.value, timestampMs: letter.timestampMs ?? this.now() }],
      {
        [DEAD_LETTER_HEADERS.reason]: letter.reason,
        [DEAD_LETTER_HEADERS.group]: letter.group,
        [DEAD_LETTER_HEADERS.topic]: letter.topic,
        [DEAD_LETTER_HEADERS.partition]: String(letter.partition),
        [DEAD_LETTER_HEADERS.offset]: letter.offset,
      },
    );
    if (result.kind !== 'success') throw new Error(`dead letter for ${letter.topic} not kept: ${result.error}`);
  }

  /** Dead letters retained on `<topic>.dlq` (0 when it does not exist yet). */
  async deadLetterCount(topic: string): Promise<number> {
    const admin = await this.admin();
    try {
      const offsets = await admin.fetchTopicOffsets(`${topic}${DEAD_LETTER_SUFFIX}`);
      return offsets.reduce((sum, entry) => sum + Number(BigInt(entry.high) - BigInt(entry.low)), 0);
    } catch (error) {
      if (isUnknownTopicError(error)) return 0;
      throw error;
    }
  }

  async lag(group: string, topic: string): Promise<ConsumerLag> {
    const admin = await this.admin();
    let ends: Awaited<ReturnType<KafkaAdminLike['fetchTopicOffsets']>>;
    try {
      ends = await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (isUnknownTopicError(error)) return { messages: 0, ms: 0 };
      throw error;
    }
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const byPartition = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
    let messages = 0n;
    for (const end of ends) {
      const low = BigInt(end.low);
      const high = BigInt(end.high);
      const at = byPartition.get(end.partition) ?? -1n;
      const from = at < low ? low : at; // -1: nothing committed yet, the group starts at the oldest retained
      if (high > from) messages += high - from;
    }
    if (messages === 0n) return { messages: 0, ms: 0 };
    const oldest = Math.min(...[...(this.progress.get(`${group}\u0000${topic}`) ?? [])].flatMap((progress) => [...progress.values()]));
    return { messages: Number(messages), ms: Number.isFinite(oldest) ? Math.max(0, this.now() - oldest) : -1 };
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      const problem = topicNameProblem(topic);
      if (problem) throw new Error(problem);
    }
    const admin = await this.admin();
    const all = topics.flatMap((topic) => [topic, `${topic}${DEAD_LETTER_SUFFIX}`]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: all.map((topic) => ({
        topic,
        numPartitions: this.options.partitions ?? 6,
        ...(this.options.replicationFactor === undefined ? {} : { replicationFactor: this.options.replicationFactor }),
      })),
    });
    for (const topic of topics) this.ensured.set(topic, Promise.resolve());
  }

  /** Stops consumers (each commits its chunk in flight), drains and disconnects producers, then the admin. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.retire()));
    const producers = [...this.producers, ...(this.letterProducer ? [this.letterProducer] : [])];
    await Promise.all(producers.map((producer) => producer.close().catch((error: unknown) => this.logger.warn(`kafka producer close: ${describeKafkaError(error)}`))));
    const admin = this.adminConnection;
    this.adminConnection = null;
    if (admin) await admin.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private newProducer(): KafkaProducer {
    const producer = this.client.producer({
      // Not idempotent. kafkajs rolls a partition's sequence number back when a produce request fails,
      // even one the broker appended before its answer was lost (sendMessages.js), and our retries are
      // bounded (a publish that gives up is spooled). The next batch then reuses sequence numbers the
      // broker holds: with the same range the broker takes it for a duplicate and acknowledges it
      // unwritten; with another range every later send fails with OUT_OF_ORDER_SEQUENCE_NUMBER.
      // At-least-once delivery with deduplication on event ids needs no producer idempotence.
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: kafkaJs().Partitioners.DefaultPartitioner,
      retry: this.options.kafkaRetry ?? { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    return new KafkaProducer(producer, {
      attempts: this.options.publishAttempts ?? 3,
      backoff: this.options.publishBackoff ?? { initialMs: 200, maxMs: 5_000, jitter: 0.2 },
      maxRequestMessages: this.options.maxRequestMessages ?? 1_000,
      maxRequestBytes: this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      maxMessageBytes: this.maxMessageBytes,
      now: this.now,
      sleep: this.sleep,
      ensureTopic: (topic) => this.ensureTopic(topic),
    });
  }

  /** Creates a topic (and its .dlq) once per process before first use; a failure is logged, not fatal. */
  private ensureTopic(topic: string): Promise<void> {
    const base = topic.endsWith(DEAD_LETTER_SUFFIX) ? topic.slice(0, -DEAD_LETTER_SUFFIX.length) : topic;
    let ensured = this.ensured.get(base);
    if (!ensured) {
      ensured = this.ensureTopics([base]).catch((error: unknown) => {
        this.ensured.delete(base);
        this.logger.warn(`could not create kafka topic ${base} (it may exist already, or the client lacks the right): ${describeKafkaError(error)}`);
      });
      this.ensured.set(base, ensured);
    }
    return ensured;
  }

  private admin(): Promise<KafkaAdminLike> {
    if (!this.adminConnection) {
      const admin = this.client.admin();
      this.adminConnection = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.adminConnection = null;
          throw new Error(`kafka admin could not connect: ${describeKafkaError(error)}`);
        },
      );
    }
    return this.adminConnection;
  }
}
