import { classifyRpcMessage, type RpcId, type RpcMessage } from './jsonrpc.message.js';

/**
 * Decodes one frame (a stdio line, an HTTP body, an SSE `data`) into its JSON-RPC messages: one, several
 * for a batch, none (`null`) when it is not JSON or holds no valid message. Never throws.
 */
export function decodeRpcFrame(text: string): RpcMessage[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const messages = Array.isArray(value) ? value.map(classifyRpcMessage) : [classifyRpcMessage(value)];
  const valid = messages.filter((m) => m.kind !== 'invalid');
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
