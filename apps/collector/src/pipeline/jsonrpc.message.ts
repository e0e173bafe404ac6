/** A JSON-RPC id as MCP uses it. */
export type RpcId = string | number;

/** One JSON-RPC message as the collector classifies it (never validated beyond what telemetry needs). */
export type RpcMessage =
  | { kind: 'request'; id: RpcId; method: string; params: unknown; versioned: boolean }
  | { kind: 'notification'; method: string; params: unknown; versioned: boolean }
  | { kind: 'result'; id: RpcId; result: unknown }
  | { kind: 'error'; id: RpcId | null; error: { code: number; message: string; data?: unknown } }
  | { kind: 'invalid'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is RpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Classifies one parsed JSON value (a single message, not a batch). */
export function classifyRpcMessage(value: unknown): RpcMessage {
  if (!isRecord(value)) return { kind: 'invalid', reason: 'not an object' };
  const versioned = value['jsonrpc'] === '2.0';
  const method = value['method'];
  if (typeof method === 'string') {
    if (method.length === 0) return { kind: 'invalid', reason: 'empty method' };
    if ('id' in value && value['id'] !== undefined) {
      const id = value['id'];
      if (!isId(id)) return { kind: 'invalid', reason: 'request id is not a string or number' };
      return { kind: 'request', id, method, params: value['params'], versioned };
    }
    return { kind: 'notification', method, params: value['params'], versioned };
  }
  if ('result' in value) {
    if (!isId(value['id'])) return { kind: 'invalid', reason: 'response without a valid id' };
    return { kind: 'result', id: value['id'], result: value['result'] };
  }
  if ('error' in value) {
    const error = value['error'];
    const id = value['id'];
    if (!isRecord(error) || typeof error['code'] !== 'number' || !Number.isInteger(error['code'])) return { kind: 'invalid', reason: 'error response without an integer code' };
    const message = typeof error['message'] === 'string' ? error['message'] : String(error['message'] ?? '');
    return { kind: 'error', id: isId(id) ? id : null, error: { code: error['code'], message, ...('data' in error ? { data: error['data'] } : {}) } };
  }
  return { kind: 'invalid', reason: 'neither a request, a notification nor a response' };
}

/** A map key for an id that keeps `1` and `"1"` apart. */
export function rpcIdKey(id: RpcId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}
