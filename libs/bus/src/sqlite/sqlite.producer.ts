import { type BusProducer, type OutgoingMessage, type PublishResult } from '../bus.port.js';
import { errorMessage } from '../shared/error-message.js';
import { outgoingBatchProblem } from '../shared/outgoing-message.check.js';
import { topicNameProblem } from '../shared/topic-name.js';
import { type SqliteLog } from './sqlite.log.js';

/** What the producer needs from its bus: the log, the clock, the limits, and whom to wake. */
export interface SqliteProducerContext {
  log: SqliteLog;
  now: () => number;
  maxMessageBytes: number;
  isClosed: () => boolean;
  /** Called after each committed batch so consumers in this process read it at once. */
  published: () => void;
}

/** SQLite result codes where the messages are at fault, so publishing them again cannot succeed. */
const MESSAGE_AT_FAULT = new Set(['SQLITE_TOOBIG']);

/**
 * Publishes each batch in one `BEGIN IMMEDIATE` transaction: on return it is committed to the WAL (and so
 * survives `kill -9` of this process), and a crash before that leaves nothing of it. Synchronous inside:
 * a batch of 100 × 1 KB takes about a millisecond of the event loop.
 */
export class SqliteProducer implements BusProducer {
  constructor(private readonly context: SqliteProducerContext) {}

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult> {
    return Promise.resolve(this.publishNow(topic, messages));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private publishNow(topic: string, messages: readonly OutgoingMessage[]): PublishResult {
    const topicProblem = topicNameProblem(topic);
    if (topicProblem) return { kind: 'failure', error: topicProblem };
    const sizes: number[] = [];
    const problem = outgoingBatchProblem(messages, this.context.maxMessageBytes, sizes);
    if (problem) return { kind: 'failure', error: problem };
    if (messages.length === 0) return { kind: 'success', count: 0 };
    // Not the messages' fault: the caller keeps them (spool) and publishes again later.
    if (this.context.isClosed()) return { kind: 'retryable', error: 'the sqlite bus is closed' };
    try {
      this.context.log.append(topic, messages, sizes, this.context.now());
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const kind = typeof code === 'string' && MESSAGE_AT_FAULT.has(code) ? 'failure' : 'retryable';
      return { kind, error: `sqlite bus: ${errorMessage(error)}${typeof code === 'string' ? ` (${code})` : ''}` };
    }
    this.context.published();
    return { kind: 'success', count: messages.length };
  }
}
