import {
  type Bus,
  type BusConsumer,
  type BusMessage,
  type BusProducer,
  type ConsumerLag,
  type ConsumerOptions,
  type DeadLetter,
  type OutgoingMessage,
  type PublishResult,
} from '../bus.port.js';
import { type BusLogger, silentBusLogger } from '../shared/bus.logger.js';
import { resolveConsumerOptions } from '../shared/consumer-options.js';
import { DEFAULT_MAX_MESSAGE_BYTES, outgoingBatchProblem } from '../shared/outgoing-message.check.js';
import { type LogCursor, PollingConsumer } from '../shared/polling.consumer.js';
import { topicNameProblem } from '../shared/topic-name.js';
import { type WakeupSignal } from '../shared/wakeup.signal.js';

interface MemoryTopic {
  messages: BusMessage[];
  appendedMs: number[];
}

interface MemoryGroup {
  committed: number;
  holder: symbol | null;
}

/** Decides the outcome of a publish before it happens: a result to return instead, or null to publish. */
export type PublishFault = (topic: string, messages: readonly OutgoingMessage[]) => PublishResult | null;

export interface MemoryBusOptions {
  now?: () => number;
  logger?: BusLogger;
  /** Longest idle poll of its consumers (they are also woken by every publish). Default 20 ms. */
  pollIntervalMs?: number;
}

/**
 * The bus in memory, for other packages' unit tests: the same semantics as the sqlite bus (ordered log
 * per topic, groups with committed offsets and one active member, redelivery after a handler throws,
 * dead letters, lag, ephemeral consumers), plus hooks to look inside and to make publishes fail.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly letters: DeadLetter[] = [];
  private readonly wakeups = new Set<WakeupSignal>();
  private readonly consumers = new Set<PollingConsumer>();
  private readonly now: () => number;
  private readonly logger: BusLogger;
  private readonly pollIntervalMs: number;
  private fault: PublishFault | null = null;
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentBusLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
  }

  producer(): BusProducer {
    return {
      publish: (topic, messages) => Promise.resolve(this.publishNow(topic, messages)),
      close: () => Promise.resolve(),
    };
  }

  consumer(options: ConsumerOptions): BusConsumer {
    if (this.closed) throw new Error('the memory bus is closed');
    const resolved = resolveConsumerOptions({ ...options, pollIntervalMs: options.pollIntervalMs ?? this.pollIntervalMs });
    const cursor = resolved.ephemeral ? this.ephemeralCursor(resolved.topic, resolved.fromBeginning) : this.groupCursor(resolved.group, resolved.topic, resolved.fromBeginning);
    const consumer = new PollingConsumer(cursor, resolved, { heartbeatMs: 60_000, standbyPollMs: 5, readErrorBackoffMs: 5 }, this.logger, this.wakeups);
    this.consumers.add(consumer);
    return consumer;
  }

  deadLetter(letter: Omit<DeadLetter, 'timestampMs'> & { timestampMs?: number }): Promise<void> {
    this.letters.push({ ...letter, timestampMs: letter.timestampMs ?? this.now() });
    return Promise.resolve();
  }

  deadLetterCount(topic: string): Promise<number> {
    return Promise.resolve(this.letters.filter((letter) => letter.topic === topic).length);
  }

  lag(group: string, topic: string): Promise<ConsumerLag> {
    const log = this.topics.get(topic);
    if (!log) return Promise.resolve({ messages: 0, ms: 0 });
    const committed = this.groups.get(groupKey(group, topic))?.committed ?? 0;
    const messages = log.messages.length - committed;
    const appended = log.appendedMs[committed];
    return Promise.resolve({ messages, ms: messages > 0 && appended !== undefined ? Math.max(0, this.now() - appended) : 0 });
  }

  ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      const problem = topicNameProblem(topic);
      if (problem) return Promise.reject(new Error(problem));
      this.topic(topic);
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.retire()));
  }

  /** Every message published to a topic, oldest first. */
  messages(topic: string): readonly BusMessage[] {
    return this.topics.get(topic)?.messages ?? [];
  }

  /** Every dead letter of a topic, oldest first. */
  deadLetters(topic: string): readonly DeadLetter[] {
    return this.letters.filter((letter) => letter.topic === topic);
  }

  /** Makes publishes fail (e.g. `() => ({ kind: 'retryable', error: 'down' })`) until called with null. */
  setPublishFault(fault: PublishFault | null): void {
    this.fault = fault;
  }

  private publishNow(topic: string, messages: readonly OutgoingMessage[]): PublishResult {
    const topicProblem = topicNameProblem(topic);
    if (topicProblem) return { kind: 'failure', error: topicProblem };
    const problem = outgoingBatchProblem(messages, this.maxMessageBytes);
    if (problem) return { kind: 'failure', error: problem };
    if (this.closed) return { kind: 'retryable', error: 'the memory bus is closed' };
    const faulted = this.fault?.(topic, messages);
    if (faulted) return faulted;
    const log = this.topic(topic);
    const now = this.now();
    for (const message of messages) {
      log.messages.push({ topic, partition: 0, offset: String(log.messages.length + 1), key: message.key ?? null, value: message.value, timestampMs: message.timestampMs ?? now });
      log.appendedMs.push(now);
    }
    for (const wakeup of this.wakeups) wakeup.wake();
    return { kind: 'success', count: messages.length };
  }

  private topic(name: string): MemoryTopic {
    let log = this.topics.get(name);
    if (!log) {
      log = { messages: [], appendedMs: [] };
      this.topics.set(name, log);
    }
    return log;
  }

  private read(topic: string, after: number, max: number): BusMessage[] {
    return this.topic(topic).messages.slice(after, after + max);
  }

  private groupCursor(group: string, topic: string, fromBeginning: boolean): LogCursor {
    const token = Symbol(group);
    const key = groupKey(group, topic);
    const state = (): MemoryGroup | undefined => this.groups.get(key);
    return {
      join: () => {
        let current = state();
        if (current?.holder && current.holder !== token) return null;
        if (!current) {
          current = { committed: fromBeginning ? 0 : this.topic(topic).messages.length, holder: null };
          this.groups.set(key, current);
        }
        current.holder = token;
        return current.committed;
      },
      renew: () => state()?.holder === token,
      read: (after, max) => this.read(topic, after, max),
      commit: (position) => {
        const current = state();
        if (current?.holder !== token) return false;
        current.committed = Math.max(current.committed, position);
        return true;
      },
      leave: () => {
        const current = state();
        if (current?.holder === token) current.holder = null;
      },
    };
  }

  private ephemeralCursor(topic: string, fromBeginning: boolean): LogCursor {
    return {
      join: () => (fromBeginning ? 0 : this.topic(topic).messages.length),
      renew: () => true,
      read: (after, max) => this.read(topic, after, max),
      commit: () => true,
      leave: () => undefined,
    };
  }
}

function groupKey(group: string, topic: string): string {
  return `${group}\u0000${topic}`;
}
