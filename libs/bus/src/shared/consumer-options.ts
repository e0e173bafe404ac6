import { type ConsumerErrorContext, type ConsumerOptions } from '../bus.port.js';
import { type BackoffPolicy } from './backoff.policy.js';
import { topicNameProblem } from './topic-name.js';

/** Consumer options with every default applied, shared by all adapters so they behave alike. */
export interface ResolvedConsumerOptions {
  group: string;
  topic: string;
  fromBeginning: boolean;
  maxBatch: number;
  pollIntervalMs: number;
  ephemeral: boolean;
  retryBackoff: BackoffPolicy;
  onError?: (error: Error, context: ConsumerErrorContext) => void;
}

export const DEFAULT_MAX_BATCH = 500;
export const DEFAULT_POLL_INTERVAL_MS = 100;
export const DEFAULT_RETRY_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 10_000 };

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`consumer option ${name} must be a positive integer (got ${value})`);
  return value;
}

/** Applies defaults; throws on options no adapter can honour (a programming error, not a runtime outcome). */
export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  const topicProblem = topicNameProblem(options.topic);
  if (topicProblem) throw new Error(`consumer option topic: ${topicProblem}`);
  if (typeof options.group !== 'string' || options.group.length === 0 || options.group.length > 200 || CONTROL_CHARS.test(options.group)) {
    throw new Error(`consumer option group must be 1-200 printable characters (got ${JSON.stringify(options.group)})`);
  }
  const ephemeral = options.ephemeral ?? false;
  const initialMs = positiveInteger(options.retryBackoff?.initialMs, DEFAULT_RETRY_BACKOFF.initialMs, 'retryBackoff.initialMs');
  const maxMs = Math.max(initialMs, positiveInteger(options.retryBackoff?.maxMs, DEFAULT_RETRY_BACKOFF.maxMs, 'retryBackoff.maxMs'));
  return {
    group: options.group,
    topic: options.topic,
    fromBeginning: options.fromBeginning ?? true,
    maxBatch: positiveInteger(options.maxBatch, DEFAULT_MAX_BATCH, 'maxBatch'),
    pollIntervalMs: positiveInteger(options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS, 'pollIntervalMs'),
    ephemeral,
    retryBackoff: { initialMs, maxMs },
    ...(options.onError ? { onError: options.onError } : {}),
  };
}
