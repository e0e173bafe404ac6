import { newId } from '@palisade/schema';
import type { AssembledEvent, CapturedPart } from './assembled-event.js';
import { rpcIdKey, type RpcId, type RpcMessage } from './jsonrpc.message.js';
import type { OversizeFrame } from './frame.accumulator.js';
import type { CollectorIdentity, SessionContext } from './session.context.js';

export type Direction = 'client_to_server' | 'server_to_client';

interface PendingRequest {
  id: RpcId;
  method: string;
  direction: Direction;
  at: number;
  deadline: number;
  versioned: boolean;
  params: CapturedPart | undefined;
  progressToken: string | undefined;
}

export interface AssemblerDeps {
  identity: CollectorIdentity;
  session: SessionContext;
  requestTimeoutMs: number;
  emit: (event: AssembledEvent) => void;
  /** Bumped for responses that match no pending request. */
  onUnmatched?: () => void;
}

const clamp = (text: unknown, max: number): string | undefined => (typeof text === 'string' && text.length > 0 ? text.slice(0, max) : undefined);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function opposite(direction: Direction): Direction {
  return direction === 'client_to_server' ? 'server_to_client' : 'client_to_server';
}

/** Fields that depend on the method and its params (tool, prompt, resource). */
function methodFields(method: string, params: unknown): Record<string, string> {
  if (!isRecord(params)) return {};
  switch (method) {
    case 'tools/call': {
      const tool = clamp(params['name'], 200);
      return tool ? { 'gen_ai.tool.name': tool, 'gen_ai.operation.name': 'execute_tool' } : { 'gen_ai.operation.name': 'execute_tool' };
    }
    case 'prompts/get': {
      const prompt = clamp(params['name'], 200);
      return prompt ? { 'gen_ai.prompt.name': prompt } : {};
    }
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
    case 'notifications/resources/updated': {
      const uri = clamp(params['uri'], 4000);
      return uri ? { 'mcp.resource.uri': uri } : {};
    }
    default:
      return {};
  }
}

/** Pulls `"id": …` out of an unparsed frame's head or tail (how SDKs serialise it), or nothing. */
function idOfOversize(frame: OversizeFrame): RpcId | undefined {
  const pattern = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})/;
  const head = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})/.exec(frame.head);
  const tail = new RegExp(`${pattern.source}\\s*\\}\\s*$`).exec(frame.tail);
  const token = head?.[1] ?? tail?.[1];
  if (token === undefined) return undefined;
  try {
    return JSON.parse(token) as RpcId;
  } catch {
    return undefined;
  }
}

function methodOfOversize(frame: OversizeFrame): string | undefined {
  return /"method"\s*:\s*"([^"\\]{1,200})"/.exec(frame.head)?.[1];
}

const roundMs = (ms: number) => Math.max(0, Math.round(ms * 1000) / 1000);

/**
 * Joins the JSON-RPC messages of one MCP session into telemetry events: a request and its response (by id,
 * per direction) make one event; a notification makes one; an unanswered request makes one when it times
 * out or the session ends. Pure bookkeeping: no I/O, time comes with each message.
 */
export class EventAssembler {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly byProgressToken = new Map<string, string>();

  constructor(private readonly deps: AssemblerDeps) {}

  get session(): SessionContext {
    return this.deps.session;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** One classified message seen going in `direction` (the sender's side) at `at` (epoch ms). */
  observe(direction: Direction, message: RpcMessage, at: number): void {
    switch (message.kind) {
      case 'request':
        this.onRequest(direction, message.id, message.method, { kind: 'value', value: message.params }, message.params, message.versioned, at);
        return;
      case 'notification':
        this.onNotification(direction, message.method, message.params, message.versioned, at);
        return;
      case 'result':
        this.onResponse(direction, message.id, { kind: 'value', value: message.result }, undefined, at);
        return;
      case 'error':
        if (message.id === null) this.deps.onUnmatched?.();
        else this.onResponse(direction, message.id, undefined, message.error, at);
        return;
      case 'invalid':
        return;
    }
  }

  /** A frame too large to parse: paired by the id found in its head or tail when there is one. */
  observeOversize(direction: Direction, frame: OversizeFrame, at: number): boolean {
    const id = idOfOversize(frame);
    const method = methodOfOversize(frame);
    const part: CapturedPart = { kind: 'oversize', frame };
    if (method !== undefined && id !== undefined) {
      this.onRequest(direction, id, method, part, undefined, true, at);
      return true;
    }
    if (method !== undefined) {
      this.emitNotification(direction, method, part, undefined, true, at);
      return true;
    }
    if (id !== undefined) return this.onResponse(direction, id, part, undefined, at);
    return false;
  }

  /** A call the collector answered itself (quarantine): recorded with outcome `blocked`. */
  recordBlocked(request: Extract<RpcMessage, { kind: 'request' }>, reason: string, error: { code: number; message: string }, at: number): void {
    this.deps.emit({
      fields: {
        ...this.baseFields('client_to_server', 'request', at, request.versioned),
        'mcp.method.name': clamp(request.method, 200) ?? 'unknown',
        'jsonrpc.request.id': this.clampId(request.id),
        ...methodFields(request.method, request.params),
        'palisade.outcome': 'blocked',
        'palisade.duration_ms': 0,
        'rpc.response.status_code': String(error.code),
        'error.type': 'quarantined',
        'palisade.block.reason': reason.slice(0, 500),
      },
      request: { kind: 'value', value: request.params },
      error,
    });
  }

  /** Emits every request still waiting whose deadline has passed. */
  sweep(now: number): void {
    for (const [key, request] of this.pending) {
      if (request.deadline <= now) this.close(key, request, 'timeout', now);
    }
  }

  /**
   * Requests of `direction` that will get no answer (their HTTP exchange ended without one): recorded
   * now as `disconnected`, or as `error` with `errorType` (an HTTP status) when the server refused them.
   */
  abandon(direction: Direction, ids: readonly RpcId[], outcome: 'disconnected' | 'error', errorType: string, at: number): void {
    for (const id of ids) {
      const key = `${direction}:${rpcIdKey(id)}`;
      const request = this.pending.get(key);
      if (request) this.close(key, request, outcome === 'error' ? errorType : 'disconnected', at);
    }
  }

  /** The session ended (server exited, stream closed, DELETE): every waiting request is `disconnected`. */
  end(now: number): void {
    for (const [key, request] of this.pending) this.close(key, request, 'disconnected', now);
  }

  private onRequest(direction: Direction, id: RpcId, method: string, part: CapturedPart, params: unknown, versioned: boolean, at: number): void {
    if (method === 'initialize' && direction === 'client_to_server' && isRecord(params)) {
      const clientInfo = params['clientInfo'];
      if (isRecord(clientInfo)) {
        this.deps.session.clientName = clamp(clientInfo['name'], 200);
        this.deps.session.clientVersion = clamp(clientInfo['version'], 100);
      }
      this.deps.session.protocolVersion ??= clamp(params['protocolVersion'], 40);
    }
    const key = `${direction}:${rpcIdKey(id)}`;
    const previous = this.pending.get(key);
    if (previous) this.close(key, previous, 'disconnected', at); // an id reused before its answer: keep both
    const meta = isRecord(params) && isRecord(params['_meta']) ? params['_meta'] : undefined;
    const token = meta?.['progressToken'];
    const progressToken = typeof token === 'string' || typeof token === 'number' ? `${direction}:${String(token)}` : undefined;
    this.pending.set(key, { id, method, direction, at, deadline: at + this.deps.requestTimeoutMs, versioned, params: part, progressToken });
    if (progressToken) this.byProgressToken.set(progressToken, key);
  }

  private onNotification(direction: Direction, method: string, params: unknown, versioned: boolean, at: number): void {
    if (isRecord(params)) {
      if (method === 'notifications/progress') {
        const token = params['progressToken'];
        const key = typeof token === 'string' || typeof token === 'number' ? this.byProgressToken.get(`${opposite(direction)}:${String(token)}`) : undefined;
        const request = key === undefined ? undefined : this.pending.get(key);
        if (request) request.deadline = at + this.deps.requestTimeoutMs;
      } else if (method === 'notifications/cancelled') {
        const requestId = params['requestId'];
        const key = typeof requestId === 'string' || typeof requestId === 'number' ? `${direction}:${rpcIdKey(requestId)}` : undefined;
        const request = key === undefined ? undefined : this.pending.get(key);
        if (key !== undefined && request) this.close(key, request, 'cancelled', at);
      }
    }
    this.emitNotification(direction, method, { kind: 'value', value: params }, params, versioned, at);
  }

  private emitNotification(direction: Direction, method: string, part: CapturedPart, params: unknown, versioned: boolean, at: number): void {
    this.deps.emit({
      fields: {
        ...this.baseFields(direction, 'notification', at, versioned),
        'mcp.method.name': clamp(method, 200) ?? 'unknown',
        ...methodFields(method, params),
        'palisade.outcome': 'sent',
      },
      ...(part.kind === 'oversize' || params !== undefined ? { request: part } : {}),
    });
  }

  /** A response travels opposite to its request: a server result answers a client request. */
  private onResponse(direction: Direction, id: RpcId, result: CapturedPart | undefined, error: AssembledEvent['error'], at: number): boolean {
    const key = `${opposite(direction)}:${rpcIdKey(id)}`;
    const request = this.pending.get(key);
    if (!request) {
      this.deps.onUnmatched?.();
      return false;
    }
    this.forget(key, request);
    if (request.method === 'initialize' && result?.kind === 'value' && isRecord(result.value)) {
      const info = result.value['serverInfo'];
      if (isRecord(info)) {
        this.deps.session.reportedName = clamp(info['name'], 200);
        this.deps.session.reportedVersion = clamp(info['version'], 100);
      }
      const version = clamp(result.value['protocolVersion'], 40);
      if (version) this.deps.session.protocolVersion = version;
    }
    const toolError = request.method === 'tools/call' && result?.kind === 'value' && isRecord(result.value) && result.value['isError'] === true;
    const outcome = error ? 'error' : toolError ? 'tool_error' : 'ok';
    this.deps.emit({
      fields: {
        ...this.requestFields(request),
        'palisade.outcome': outcome,
        'palisade.duration_ms': roundMs(at - request.at),
        ...(error ? { 'rpc.response.status_code': String(error.code), 'error.type': String(error.code) } : {}),
        ...(toolError ? { 'error.type': 'tool_error' } : {}),
      },
      ...(request.params ? { request: request.params } : {}),
      ...(result ? { response: result } : {}),
      ...(error ? { error } : {}),
    });
    return true;
  }

  /** Ends a request that got no answer: `timeout`, `disconnected`, or `error` for any other reason given. */
  private close(key: string, request: PendingRequest, why: string, at: number): void {
    this.forget(key, request);
    this.deps.emit({
      fields: {
        ...this.requestFields(request),
        'palisade.outcome': why === 'timeout' || why === 'disconnected' ? why : 'error',
        'palisade.duration_ms': roundMs(at - request.at),
        'error.type': why,
      },
      ...(request.params ? { request: request.params } : {}),
    });
  }

  private forget(key: string, request: PendingRequest): void {
    this.pending.delete(key);
    if (request.progressToken) this.byProgressToken.delete(request.progressToken);
  }

  private requestFields(request: PendingRequest): AssembledEvent['fields'] {
    const params = request.params?.kind === 'value' ? request.params.value : undefined;
    return {
      ...this.baseFields(request.direction, 'request', request.at, request.versioned),
      'mcp.method.name': clamp(request.method, 200) ?? 'unknown',
      'jsonrpc.request.id': this.clampId(request.id),
      ...methodFields(request.method, params),
    } as AssembledEvent['fields'];
  }

  private clampId(id: RpcId): RpcId {
    return typeof id === 'string' ? id.slice(0, 200) : id;
  }

  private baseFields(direction: Direction, kind: 'request' | 'notification', at: number, versioned: boolean): AssembledEvent['fields'] {
    const { identity, session } = this.deps;
    const fields: Record<string, unknown> = {
      id: newId(),
      ts: new Date(Math.floor(at)).toISOString(),
      'palisade.schema_version': 1,
      'palisade.event.kind': kind,
      'palisade.direction': direction,
      'palisade.collector.id': identity.collectorId,
      'palisade.collector.version': identity.collectorVersion,
      'host.name': identity.hostName,
      'palisade.server.name': identity.serverName,
      'mcp.session.id': session.sessionId,
      'network.transport': session.transport,
      'network.protocol.name': session.protocolName,
      'mcp.method.name': 'unknown',
      'palisade.outcome': 'sent',
    };
    if (versioned) fields['jsonrpc.protocol.version'] = '2.0';
    if (session.reportedName) fields['palisade.server.reported_name'] = session.reportedName;
    if (session.reportedVersion) fields['palisade.server.reported_version'] = session.reportedVersion;
    if (session.clientName) fields['palisade.client.name'] = session.clientName;
    if (session.clientVersion) fields['palisade.client.version'] = session.clientVersion;
    if (session.protocolVersion) fields['mcp.protocol.version'] = session.protocolVersion;
    if (session.serverAddress) fields['server.address'] = session.serverAddress.slice(0, 1000);
    if (session.serverPort !== undefined) fields['server.port'] = session.serverPort;
    return fields as AssembledEvent['fields'];
  }
}
