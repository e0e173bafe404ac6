import { newId } from '@palisade/schema/telemetry';
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

type Fields = Record<string, unknown>;

/** Sets the fields that depend on the method and its params (tool, prompt, resource). */
function setMethodFields(fields: Fields, method: string, params: unknown): void {
  if (method === 'tools/call') fields['gen_ai.operation.name'] = 'execute_tool';
  if (!isRecord(params)) return;
  switch (method) {
    case 'tools/call': {
      const tool = clamp(params['name'], 200);
      if (tool) fields['gen_ai.tool.name'] = tool;
      return;
    }
    case 'prompts/get': {
      const prompt = clamp(params['name'], 200);
      if (prompt) fields['gen_ai.prompt.name'] = prompt;
      return;
    }
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
    case 'notifications/resources/updated': {
      const uri = clamp(params['uri'], 4000);
      if (uri) fields['mcp.resource.uri'] = uri;
      return;
    }
    default:
      return;
  }
}

/** Pulls `"id": …` out of an unparsed frame's head or tail (how SDKs serialise it), or nothing. */
export function idOfOversize(frame: OversizeFrame): RpcId | undefined {
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

export function methodOfOversize(frame: OversizeFrame): string | undefined {
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
    const fields = this.fields('client_to_server', 'request', at, request.versioned, request.method, request.id, request.params);
    fields['palisade.outcome'] = 'blocked';
    fields['palisade.duration_ms'] = 0;
    fields['rpc.response.status_code'] = String(error.code);
    fields['error.type'] = 'quarantined';
    fields['palisade.block.reason'] = reason.slice(0, 500);
    this.deps.emit({ fields: fields as AssembledEvent['fields'], request: { kind: 'value', value: request.params }, error });
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
    const fields = this.fields(direction, 'notification', at, versioned, method, undefined, params);
    const event: AssembledEvent = { fields: fields as AssembledEvent['fields'] };
    if (part.kind === 'oversize' || params !== undefined) event.request = part;
    this.deps.emit(event);
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
    const fields = this.requestFields(request);
    fields['palisade.outcome'] = error ? 'error' : toolError ? 'tool_error' : 'ok';
    fields['palisade.duration_ms'] = roundMs(at - request.at);
    if (error) {
      fields['rpc.response.status_code'] = String(error.code);
      fields['error.type'] = String(error.code);
    } else if (toolError) fields['error.type'] = 'tool_error';
    const event: AssembledEvent = { fields: fields as AssembledEvent['fields'] };
    if (request.params) event.request = request.params;
    if (result) event.response = result;
    if (error) event.error = error;
    this.deps.emit(event);
    return true;
  }

  /** Ends a request that got no answer: `timeout`, `disconnected`, or `error` for any other reason given. */
  private close(key: string, request: PendingRequest, why: string, at: number): void {
    this.forget(key, request);
    const fields = this.requestFields(request);
    fields['palisade.outcome'] = why === 'timeout' || why === 'disconnected' ? why : 'error';
    fields['palisade.duration_ms'] = roundMs(at - request.at);
    fields['error.type'] = why;
    const event: AssembledEvent = { fields: fields as AssembledEvent['fields'] };
    if (request.params) event.request = request.params;
    this.deps.emit(event);
  }

  private forget(key: string, request: PendingRequest): void {
    this.pending.delete(key);
    if (request.progressToken) this.byProgressToken.delete(request.progressToken);
  }

  private requestFields(request: PendingRequest): Fields {
    const params = request.params?.kind === 'value' ? request.params.value : undefined;
    return this.fields(request.direction, 'request', request.at, request.versioned, request.method, request.id, params);
  }

  /** The fields every event has, built in one object (the encoder adds the captured parts to it). */
  private fields(direction: Direction, kind: 'request' | 'notification', at: number, versioned: boolean, method: string, id: RpcId | undefined, params: unknown): Fields {
    const { identity, session } = this.deps;
    const fields: Fields = {
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
      'mcp.method.name': clamp(method, 200) ?? 'unknown',
      'palisade.outcome': 'sent',
    };
    if (id !== undefined) fields['jsonrpc.request.id'] = typeof id === 'string' ? id.slice(0, 200) : id;
    if (versioned) fields['jsonrpc.protocol.version'] = '2.0';
    if (session.reportedName) fields['palisade.server.reported_name'] = session.reportedName;
    if (session.reportedVersion) fields['palisade.server.reported_version'] = session.reportedVersion;
    if (session.clientName) fields['palisade.client.name'] = session.clientName;
    if (session.clientVersion) fields['palisade.client.version'] = session.clientVersion;
    if (session.protocolVersion) fields['mcp.protocol.version'] = session.protocolVersion;
    if (session.serverAddress) fields['server.address'] = session.serverAddress.slice(0, 1000);
    if (session.serverPort !== undefined) fields['server.port'] = session.serverPort;
    setMethodFields(fields, method, params);
    return fields;
  }
}
