import { type OutgoingMessage } from '../bus.port.js';

/** 1 MiB, Kafka's default `message.max.bytes`: the same limit on every adapter. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Why a batch cannot be published as given (the messages are at fault: publishing again will not help),
 * or null. Measures each value in UTF-8 bytes; `sizes` receives them for adapters that account by size.
 */
export function outgoingBatchProblem(messages: readonly OutgoingMessage[], maxMessageBytes: number, sizes?: number[]): string | null {
  if (!Array.isArray(messages)) return 'messages must be an array';
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i];
    if (message === null || typeof message !== 'object' || typeof message.value !== 'string') {
      return `message ${i}: value must be a string`;
    }
    if (message.key !== undefined && message.key !== null && typeof message.key !== 'string') return `message ${i}: key must be a string`;
    if (message.timestampMs !== undefined && !Number.isFinite(message.timestampMs)) return `message ${i}: timestampMs must be a finite number`;
    const bytes = Buffer.byteLength(message.value, 'utf8') + (message.key ? Buffer.byteLength(message.key, 'utf8') : 0);
    if (bytes > maxMessageBytes) return `message ${i}: ${bytes} bytes exceeds the ${maxMessageBytes}-byte limit`;
    sizes?.push(bytes);
  }
  return null;
}
