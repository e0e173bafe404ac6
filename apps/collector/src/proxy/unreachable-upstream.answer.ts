import type { RequestIds } from '../pipeline/rpc-frame.decoder.js';

/** JSON-RPC error code of the collector's answer to a request it could not deliver (server error range). */
export const UNREACHABLE_ERROR_CODE = -32000;

/** An HTTP answer the collector writes itself. */
export interface CollectorAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The answer to a POST the collector could not deliver because the MCP server is unreachable: `502` with
 * a JSON-RPC error for each request of the body, carrying that request's id so the client can match it
 * (one object, or an array for a batch, followed by the collector's own answers to calls of the batch it
 * blocked). A body of notifications and responses only gets no JSON-RPC message (JSON-RPC never answers a
 * notification), but still an error status with a one-line reason, as Streamable HTTP asks of a server
 * that could not accept its input (`202` would tell the client it was delivered). When the body's
 * requests are not known (not JSON-RPC, or its copy was lost), one error with id null, as JSON-RPC says.
 */
export function unreachableUpstreamAnswer(requests: RequestIds | null, reason: string, blockedAnswers: readonly Record<string, unknown>[] = []): CollectorAnswer {
  const message = `Palisade collector: the MCP server is unreachable (${reason})`;
  const error = (id: string | number | null) => ({ jsonrpc: '2.0', id, error: { code: UNREACHABLE_ERROR_CODE, message } });
  const json = (value: unknown): CollectorAnswer => ({ status: 502, contentType: 'application/json', body: JSON.stringify(value) });
  if (!requests) return json(blockedAnswers.length > 0 ? [error(null), ...blockedAnswers] : error(null));
  const errors = requests.ids.map(error);
  if (errors.length === 0 && blockedAnswers.length === 0) return { status: 502, contentType: 'text/plain; charset=utf-8', body: message };
  return json(requests.batch || blockedAnswers.length > 0 ? [...errors, ...blockedAnswers] : errors[0]);
}
