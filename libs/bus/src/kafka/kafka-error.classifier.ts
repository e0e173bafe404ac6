/**
 * Kafka protocol errors where the messages themselves are at fault: sending them again cannot succeed,
 * so the publisher should dead-letter them. Everything else (connection, timeouts, leadership changes,
 * missing topic, authorisation, unknown) is `retryable`: the messages are fine and the collector keeps
 * them in its spool until Kafka (or its configuration) is fixed.
 */
const MESSAGE_AT_FAULT = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP', 'INVALID_TOPIC_EXCEPTION']);

interface ErrorShape {
  name?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Every error in a kafkajs error's chain: itself, its causes (retries exceeded), the members of aggregates. */
function chain(error: unknown, depth = 0): ErrorShape[] {
  if (error === null || typeof error !== 'object' || depth > 5) return [];
  const shape = error as ErrorShape;
  const nested = Array.isArray(shape.errors) ? shape.errors.flatMap((inner: unknown) => chain(inner, depth + 1)) : [];
  return [shape, ...chain(shape.cause, depth + 1), ...nested];
}

export function classifyKafkaError(error: unknown): 'retryable' | 'failure' {
  return chain(error).some((shape) => typeof shape.type === 'string' && MESSAGE_AT_FAULT.has(shape.type)) ? 'failure' : 'retryable';
}

/** One line for a result or log: the error's name, protocol type and message, innermost cause included. */
export function describeKafkaError(error: unknown): string {
  const links = chain(error);
  if (links.length === 0) return String(error);
  const first = links[0] as ErrorShape;
  const root = links.find((shape) => shape !== first && typeof shape.message === 'string');
  const label = (shape: ErrorShape): string =>
    `${typeof shape.name === 'string' ? shape.name : 'Error'}${typeof shape.type === 'string' ? ` ${shape.type}` : ''}: ${String(shape.message)}`;
  return (root ? `${label(first)} (caused by ${label(root)})` : label(first)).replace(/\s+/g, ' ');
}

/** True when Kafka says the topic does not exist (lag and dead-letter counts of a topic never written are 0). */
export function isUnknownTopicError(error: unknown): boolean {
  return chain(error).some((shape) => shape.type === 'UNKNOWN_TOPIC_OR_PARTITION');
}
