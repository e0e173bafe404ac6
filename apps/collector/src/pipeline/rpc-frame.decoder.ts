import { classifyRpcMessage, type RpcMessage } from './jsonrpc.message.js';

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
