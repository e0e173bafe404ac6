/**
 * The bus port: how telemetry and control messages travel between collectors and the detector.
 * Adapters: `sqlite` (embedded default, a durable log in PALISADE_HOME) and `kafka` (kafkajs), plus an
 * in-memory one under `@palisade/bus/testing`. Expected outcomes are results, not exceptions.
 */

/** A message to publish. `key` keeps related messages ordered (Kafka: same partition): server + session. */
export interface OutgoingMessage {
  key?: string;
  /** The serialised message (one JSON document). */
  value: string;
  /** Producer-side time in ms; the adapter stamps it when absent. */
  timestampMs?: number;
}

/** A message as a consumer sees it. */
export interface BusMessage {
  topic: string;
  /** Partition for Kafka; 0 for the sqlite log. */
  partition: number;
  /** Position in the partition as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: string | null;
  value: string;
  timestampMs: number;
}

export type PublishResult =
  | { kind: 'success'; count: number }
  /** Worth trying again later (broker down, database busy): the caller should spool and retry. */
  | { kind: 'retryable'; error: string }
  /** Will fail again (message too large, bad topic): the caller should dead-letter. */
  | { kind: 'failure'; error: string };

export interface BusProducer {
  /**
   * Publishes a batch atomically where the adapter can (sqlite: one transaction, all or nothing; Kafka:
   * per request, so a `retryable` batch may be partly written, and a retry whose first answer was lost
   * may write messages twice; a batch is sent again whole: consumers deduplicate on event ids). Never
   * throws.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult>;
  /** Waits for publishes in flight, then releases the producer. */
  close(): Promise<void>;
}

/** A batch handed to a consumer. Offsets are committed only after `handler` resolves. */
export type BatchHandler = (messages: readonly BusMessage[]) => Promise<void>;

/** Why a delivery failed, for the consumer's owner to log or count. */
export interface ConsumerErrorContext {
  group: string;
  topic: string;
  /** 1 for the first failure of this batch, 2 for the next, … */
  attempt: number;
  /** Delay before the batch is delivered again, in ms. */
  retryInMs: number;
}

export interface ConsumerOptions {
  /** Consumer group: each group receives every message once (at least once across crashes). */
  group: string;
  topic: string;
  /** Where a group with no committed offset starts: the oldest retained message (default) or the end. */
  fromBeginning?: boolean;
  /** Largest batch handed to the handler (default 500). */
  maxBatch?: number;
  /**
   * Longest idle poll interval for adapters that poll (sqlite): polling backs off from about 1 ms up to
   * this while the topic is idle and returns to immediate reads as soon as messages flow (default 100 ms).
   */
  pollIntervalMs?: number;
  /**
   * Offsets live in memory only and nothing is left behind when the consumer stops: for readers that
   * rebuild their state from the start each time (a collector reading quarantine decisions on
   * `mcp.control`). Implies `fromBeginning` unless set otherwise.
   */
  ephemeral?: boolean;
  /** Redelivery backoff after the handler threw: doubles from `initialMs` up to `maxMs` (100 ms → 10 s). */
  retryBackoff?: { initialMs?: number; maxMs?: number };
  /** Called when the handler threw (the batch will be delivered again) or a commit failed. */
  onError?: (error: Error, context: ConsumerErrorContext) => void;
}

export interface BusConsumer {
  /**
   * Delivers batches to `handler` until `stop()`; commits the batch's offsets after the handler
   * resolves. If the handler throws, the batch is not committed and is delivered again after a backoff.
   * Resolves when stopped; rejects only when the consumer cannot go on (bus closed, Kafka consumer
   * crashed for good). On the sqlite bus one member of a group is active at a time across processes;
   * others stand by and take over when it stops or its lease expires.
   */
  run(handler: BatchHandler): Promise<void>;
  /** Lets the batch in flight finish and commit, then stops. */
  stop(): Promise<void>;
}

/** A message that could not be processed, kept aside with the reason. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  group: string;
  reason: string;
  value: string;
  timestampMs: number;
}

export interface ConsumerLag {
  /** Messages in the topic the group has not committed yet. */
  messages: number;
  /** Age of the oldest uncommitted message in ms (0 when caught up; -1 when the adapter cannot tell). */
  ms: number;
}

export interface Bus {
  readonly kind: 'sqlite' | 'kafka' | 'memory';
  /** The largest message (value and key, UTF-8 bytes) a producer of this bus takes. */
  readonly maxMessageBytes: number;
  producer(): BusProducer;
  consumer(options: ConsumerOptions): BusConsumer;
  /**
   * Keeps a message aside with the reason. Resolves once the letter is kept; rejects only when it could
   * not be kept (Kafka unreachable after retries), so a handler that awaits it fails and its batch is
   * delivered again: a dead letter never silently vanishes.
   */
  deadLetter(letter: Omit<DeadLetter, 'timestampMs'> & { timestampMs?: number }): Promise<void>;
  /** How many messages of a topic were dead-lettered so far. */
  deadLetterCount(topic: string): Promise<number>;
  /** Lag of a group on a topic (used by /api/health). */
  lag(group: string, topic: string): Promise<ConsumerLag>;
  /** Creates topics where the adapter needs it (Kafka); no-op for sqlite. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** Stops every consumer (each finishes and commits its batch in flight), closes producers, releases. */
  close(): Promise<void>;
}
