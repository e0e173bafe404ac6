import { classifyRpcMessage, type RpcId, type RpcMessage } from './jsonrpc.message.js';

/** A frame's JSON value, as a list of messages (one, or each of a batch) and their classification. */
interface ParsedFrame {
  batch: boolean;
  values: unknown[];
  messages: RpcMessage[];
}

/** Parses a frame's JSON and classifies each message in it; null when it is not JSON. Never throws. */
function parseFrame(text: string): ParsedFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const values: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return { batch: Array.isArray(value), values, messages: values.map(classifyRpcMessage) };
}

/**
 * Decodes one frame (a stdio line, an HTTP body, an SSE `data`) into its JSON-RPC messages: one, several
 * for a batch, none (`null`) when it is not JSON or holds no valid message. Never throws.
 */
export function decodeRpcFrame(text: string): RpcMessage[] | null {
  const valid = parseFrame(text)?.messages.filter((m) => m.kind !== 'invalid') ?? [];
  return valid.length > 0 ? valid : null;
}

/** The requests a client message body carries, for answering them when the server cannot: their ids in order, and whether the body was a batch. */
export interface RequestIds {
  batch: boolean;
  /** Empty when the body holds only notifications or responses (nothing to answer). */
  ids: RpcId[];
}

/** The request ids of a frame's messages; null when it holds no valid JSON-RPC message. */
export function requestIdsOf(text: string): RequestIds | null {
  const messages = decodeRpcFrame(text);
  if (!messages) return null;
  return { batch: text.trimStart().startsWith('['), ids: messages.flatMap((message) => (message.kind === 'request' ? [message.id] : [])) };
}

/** A client frame as quarantine enforcement reads it: every message checked, or why it cannot be. */
export type CheckedFrame =
  | { checked: true; batch: boolean; messages: RpcMessage[]; values: unknown[] }
  | { checked: false; reason: string };

/**
 * Decodes a client frame for quarantine enforcement, strictly: a leading UTF-8 byte-order mark is skipped
 * (servers whose decoder drops it would run the message), and the frame counts as checked only when it is
 * JSON and every message in it (each of a batch, whose `messages[i]` is `values[i]`) is a valid JSON-RPC
 * message. Anything else is a frame a lenient server might still read a call out of. Never throws.
 */
export function checkClientFrame(text: string): CheckedFrame {
  const frame = parseFrame(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!frame) return { checked: false, reason: 'it is not JSON' };
  if (frame.values.length === 0) return { checked: false, reason: 'it is an empty batch' };
  const invalid = frame.messages.find((m) => m.kind === 'invalid');
  if (invalid) return { checked: false, reason: `it holds an invalid JSON-RPC message (${invalid.reason})` };
  return { checked: true, ...frame };
}
