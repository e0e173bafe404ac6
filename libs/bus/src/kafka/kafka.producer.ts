import { type Message } from 'kafkajs';
import { type BusProducer, type OutgoingMessage, type PublishResult } from '../bus.port.js';
import { type BackoffPolicy, backoffDelay } from '../shared/backoff.policy.js';
import { outgoingBatchProblem } from '../shared/outgoing-message.check.js';
import { topicNameProblem } from '../shared/topic-name.js';
import { type KafkaProducerLike } from './kafka-client.port.js';
import { classifyKafkaError, describeKafkaError } from './kafka-error.classifier.js';

export interface KafkaProducerSettings {
  /** Attempts per publish before answering `retryable` (each also retried inside kafkajs). */
  attempts: number;
  backoff: BackoffPolicy;
  /** Messages per `sendBatch` request. */
  maxRequestMessages: number;
  /**
   * Bytes per `sendBatch` request, as estimated by `recordBytes`. kafkajs writes all the messages of one
   * request that go to one partition as one record batch, and the broker refuses a record batch larger
   * than the topic's `max.message.bytes` (1048588 by default) with MESSAGE_TOO_LARGE however small each
   * message is: a request under this bound cannot make such a batch. A message larger than the bound
   * goes alone in its request (the broker then judges the message itself).
   */
  maxRequestBytes: number;
  maxMessageBytes: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Creates the topic (configured partitions) before its first publish; best effort. */
  ensureTopic: (topic: string) => Promise<void>;
}

/**
 * Publishes through one kafkajs producer (acks from all in-sync replicas, one request in flight, so a
 * session's messages keep their order on their partition; not idempotent: a retry whose first answer was
 * lost may write a message twice, and consumers deduplicate on event ids). Messages are keyed by the
 * OutgoingMessage key (server + session). Retryable errors are retried with exponential backoff, then
 * reported as `retryable`; errors where the messages are at fault come back as `failure` at once.
 */
export class KafkaProducer implements BusProducer {
  private connection: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<PublishResult>>();
  private readonly knownTopics = new Set<string>();
  private closed = false;

  constructor(
    private readonly producer: KafkaProducerLike,
    private readonly settings: KafkaProducerSettings,
  ) {}

  /** `headers` go on every message of the batch (dead letters carry their reason this way). */
  publish(topic: string, messages: readonly OutgoingMessage[], headers?: Readonly<Record<string, string>>): Promise<PublishResult> {
    const topicProblem = topicNameProblem(topic);
    if (topicProblem) return Promise.resolve({ kind: 'failure', error: topicProblem });
    const problem = outgoingBatchProblem(messages, this.settings.maxMessageBytes);
    if (problem) return Promise.resolve({ kind: 'failure', error: problem });
    if (messages.length === 0) return Promise.resolve({ kind: 'success', count: 0 });
    if (this.closed) return Promise.resolve({ kind: 'retryable', error: 'the kafka producer is closed' });
    const now = String(this.settings.now());
    const records: Message[] = messages.map((message) => ({
      key: message.key ?? null,
      value: message.value,
      timestamp: message.timestampMs === undefined ? now : String(Math.trunc(message.timestampMs)),
      ...(headers ? { headers: { ...headers } } : {}),
    }));
    const sending = this.send(topic, records);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  /** Lets publishes in flight finish, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.inFlight);
    if (this.connection) {
      await this.connection.catch(() => undefined);
      await this.producer.disconnect();
    }
  }

  private async send(topic: string, records: Message[]): Promise<PublishResult> {
    const requests = splitRequests(records, this.settings.maxRequestMessages, this.settings.maxRequestBytes);
    let sent = 0; // requests already acknowledged: a retry resumes after them instead of sending them again
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.connect();
        if (!this.knownTopics.has(topic)) {
          await this.settings.ensureTopic(topic);
          this.knownTopics.add(topic);
        }
        while (sent < requests.length) {
          await this.producer.sendBatch({ topicMessages: [{ topic, messages: requests[sent] as Message[] }], acks: -1 });
          sent += 1;
        }
        return { kind: 'success', count: records.length };
      } catch (error) {
        const kind = classifyKafkaError(error);
        const description = `kafka publish to ${topic}: ${describeKafkaError(error)}`;
        if (kind === 'failure') return { kind, error: description };
        if (attempt >= this.settings.attempts || this.closed) return { kind: 'retryable', error: description };
        await this.settings.sleep(backoffDelay(attempt, this.settings.backoff));
      }
    }
  }

  private connect(): Promise<void> {
    if (!this.connection) {
      this.connection = this.producer.connect().catch((error: unknown) => {
        this.connection = null; // the next attempt connects again
        throw error;
      });
    }
    return this.connection;
  }
}

/** Largest size of a varint-encoded length (a 32-bit signed varint, zigzag encoded). */
const VARINT_MAX = 5;
/**
 * Upper bound of what one record adds to a v2 record batch besides its key, value and headers: its
 * length, attributes, timestamp delta (a varlong), offset delta, key length, value length, header count.
 */
const RECORD_OVERHEAD = VARINT_MAX + 1 + 10 + VARINT_MAX * 4;

/** Upper bound of the bytes a message takes in a Kafka record batch (key, value, headers and their framing). */
export function recordBytes(message: Message): number {
  const bytes = (value: unknown): number => (value === null || value === undefined ? 0 : Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value), 'utf8'));
  let size = RECORD_OVERHEAD + bytes(message.key) + bytes(message.value);
  for (const [key, value] of Object.entries(message.headers ?? {})) size += 2 * VARINT_MAX + bytes(key) + bytes(value);
  return size;
}

/** Cuts records into consecutive requests of at most `maxMessages` messages and `maxBytes` estimated bytes. */
export function splitRequests(records: readonly Message[], maxMessages: number, maxBytes: number): Message[][] {
  const requests: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > maxBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
