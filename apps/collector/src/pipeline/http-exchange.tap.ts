import type { CollectorCounters } from '../health/collector.counters.js';
import { idOfOversize, methodOfOversize, type EventAssembler } from './event.assembler.js';
import { FrameAccumulator, type Frame } from './frame.accumulator.js';
import type { HttpSessionRegistry } from './http-session.registry.js';
import type { RpcId, RpcMessage } from './jsonrpc.message.js';
import { decodeRpcFrame, requestIdsOf, type RequestIds } from './rpc-frame.decoder.js';
import { SseCopyFramer, type SseCopyEvent } from './sse-copy.framer.js';
import type { BlockedCall, FrameLimits } from './stdio-session.tap.js';
import type { ChannelTap } from './tap.router.js';

/** What the relay tells about an exchange when it opens. */
export interface HttpExchangeMeta {
  kind: 'http';
  method: string;
  path: string;
  sessionId: string | null;
  legacySessionId: string | null;
  protocolVersion: string | null;
  serverAddress: string;
  serverPort: number;
}

export interface ResponseHead {
  status: number;
  contentType: string;
  sessionId: string | null;
}

/**
 * The telemetry side of one HTTP exchange: the request body (client → server messages), then the
 * response (a JSON body or an SSE stream of server → client messages), attributed to the MCP session the
 * exchange belongs to. That session is known from the request's `Mcp-Session-Id`, the response's (an
 * initialize), the legacy `sessionId` query or the legacy stream's `endpoint` event; the request is
 * observed once the response head has told which.
 */
export class HttpExchangeTap implements ChannelTap {
  private readonly request: FrameAccumulator;
  private requestFrame: Frame | null = null;
  private requestAt = 0;
  private requestBroken = false;
  private requestObserved = false;
  private requestIds: RpcId[] = [];
  private head: ResponseHead | null = null;
  private responseBody: FrameAccumulator | null = null;
  private responseBroken = false;
  private events: SseCopyFramer | null = null;
  private sessionKey: string | undefined;
  private legacyStream = false;
  private lastAt = 0;

  constructor(
    private readonly meta: HttpExchangeMeta,
    private readonly sessions: HttpSessionRegistry,
    private readonly counters: CollectorCounters,
    private readonly limits: FrameLimits,
  ) {
    this.request = new FrameAccumulator(limits.parseLimitBytes, limits.headBytes);
    this.sessionKey = meta.sessionId ?? meta.legacySessionId ?? undefined;
  }

  clientData(chunk: Buffer, at: number): void {
    if (this.requestBroken) return;
    this.request.add(chunk);
    this.requestAt = at;
  }

  clientEnd(at: number): void {
    this.requestFrame = this.requestBroken ? null : this.request.finish(this.requestAt || at);
  }

  gap(direction: 'client_to_server' | 'server_to_client', _midLine: boolean): void {
    this.counters.tapDrops += 1;
    if (direction === 'client_to_server') {
      this.requestBroken = true;
      this.request.reset();
    } else if (this.events) this.events.discard();
    else this.responseBroken = true;
  }

  blocked(call: BlockedCall, at: number): void {
    this.counters.blockedCalls += 1;
    this.assembler(at).recordBlocked(call.request, call.reason, call.error, at);
  }

  serverHead(head: ResponseHead, at: number): void {
    this.head = head;
    this.sessionKey = head.sessionId ?? this.sessionKey;
    if (this.meta.method === 'GET' && head.contentType.includes('text/event-stream') && !this.meta.sessionId) this.legacyStream = true;
    this.observeRequest(at);
    if (head.contentType.includes('text/event-stream')) {
      this.events = new SseCopyFramer(this.limits.parseLimitBytes, this.limits.headBytes, (event) => this.onEvent(event));
    } else if (head.contentType.includes('json')) {
      this.responseBody = new FrameAccumulator(this.limits.parseLimitBytes, this.limits.headBytes);
    }
  }

  serverData(chunk: Buffer, at: number): void {
    if (this.events) this.events.push(chunk, at);
    else if (this.responseBody && !this.responseBroken) this.responseBody.add(chunk);
    this.lastAt = at;
  }

  serverEnd(at: number): void {
    const frame = this.responseBody && !this.responseBroken ? this.responseBody.finish(this.lastAt || at) : null;
    if (frame) this.observeFrame('server_to_client', frame);
    const status = this.head?.status ?? 0;
    if (status >= 400 && this.sessionKey !== undefined) this.assembler(at).abandon('client_to_server', this.requestIds, 'error', `http_${status}`, at);
    if (this.meta.method === 'DELETE' && status >= 200 && status < 300 && this.sessionKey !== undefined) this.sessions.end(this.sessionKey, at);
  }

  sweep(_now: number): void {
    // Sessions are swept by the registry.
  }

  /**
   * The requests of the body once it has ended, for the relay to answer them itself when the server
   * cannot be reached; null when the body was not seen whole (copies dropped, not ended yet) or names
   * no request it can be sure of (not JSON-RPC, an oversize batch or a body without its id at either end).
   */
  bodyRequests(): RequestIds | null {
    const frame = this.requestFrame;
    if (!frame || this.requestBroken) return null;
    if (frame.kind === 'text') return requestIdsOf(frame.text);
    const id = idOfOversize(frame.frame);
    const single = !frame.frame.head.trimStart().startsWith('[');
    return single && id !== undefined && methodOfOversize(frame.frame) !== undefined ? { batch: false, ids: [id] } : null;
  }

  /** The exchange is over: requests left without an answer on a streamable POST are `disconnected`. */
  close(at: number): void {
    this.observeRequest(at);
    if (!this.meta.legacySessionId && this.requestIds.length > 0) this.assembler(at).abandon('client_to_server', this.requestIds, 'disconnected', 'disconnected', at);
    if (this.legacyStream && this.sessionKey !== undefined) this.sessions.end(this.sessionKey, at);
  }

  private assembler(at: number): EventAssembler {
    const key = this.sessionKey ?? this.sessions.stateless;
    return this.sessions.get(key, { serverAddress: this.meta.serverAddress, serverPort: this.meta.serverPort }, at, this.meta.protocolVersion ?? undefined);
  }

  private observeRequest(at: number): void {
    if (this.requestObserved) return;
    this.requestObserved = true;
    if (!this.requestFrame && !this.requestBroken && this.request.bytes > 0) this.requestFrame = this.request.finish(this.requestAt || at);
    if (this.requestFrame) this.observeFrame('client_to_server', this.requestFrame);
  }

  private observeFrame(direction: 'client_to_server' | 'server_to_client', frame: Frame): void {
    const assembler = this.assembler(frame.at);
    if (frame.kind === 'oversize') {
      this.counters.oversizeFrames += 1;
      if (!assembler.observeOversize(direction, frame.frame, frame.at)) this.counters.badFrames += 1;
      return;
    }
    const messages = decodeRpcFrame(frame.text);
    if (!messages) {
      this.counters.badFrames += 1;
      return;
    }
    for (const message of messages) {
      if (direction === 'client_to_server' && message.kind === 'request') this.requestIds.push(message.id);
      assembler.observe(direction, message as RpcMessage, frame.at);
    }
  }

  private onEvent(event: SseCopyEvent): void {
    if (event.kind === 'oversize') {
      this.observeFrame('server_to_client', { kind: 'oversize', frame: event.frame, at: event.at });
      return;
    }
    if (event.event.event === 'endpoint') {
      try {
        const id = new URL(event.event.data.trim(), 'http://collector.invalid').searchParams.get('sessionId');
        if (id) this.sessionKey = id;
      } catch {
        this.counters.badFrames += 1;
      }
      return;
    }
    if (event.event.data.trim().length === 0) return;
    this.observeFrame('server_to_client', { kind: 'text', text: event.event.data, at: event.at });
  }
}
