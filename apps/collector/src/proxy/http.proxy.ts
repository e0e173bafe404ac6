import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { jsonText } from '../pipeline/json-text.js';
import { rpcIdKey } from '../pipeline/jsonrpc.message.js';
import { checkClientFrame, requestIdsOf, type RequestIds } from '../pipeline/rpc-frame.decoder.js';
import { TapKind } from '../pipeline/tap.ring.js';
import type { TelemetryLink } from '../pipeline/telemetry.link.js';
import { type BlockDecision, needsQuarantineState, type QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import { ChannelTap } from './relay.tap.js';
import { SseRelay } from './sse.relay.js';
import type { ProxyLog } from './stdio.proxy.js';
import { unreachableUpstreamAnswer } from './unreachable-upstream.answer.js';

export interface HttpProxyOptions {
  upstream: URL;
  listen: { host: string; port: number };
  link: TelemetryLink;
  policy: QuarantinePolicy;
  /** Largest request body inspected for quarantine enforcement, and largest response rewritten. */
  parseLimitBytes: number;
  log: ProxyLog;
}

/** What the proxy knows about one HTTP exchange while it runs. */
interface Exchange {
  method: string;
  sessionId: string | undefined;
  legacySessionId: string | undefined;
  tap: ChannelTap;
  /** Ids of tools/list requests in this POST (their answers may need rewriting). */
  toolsList: Set<string>;
  /** The collector's own answers to add to the upstream response (blocked calls of a mixed batch). */
  extraAnswers: Record<string, unknown>[];
  closed: boolean;
}

type Body = { kind: 'stream'; prefix: Buffer[] } | { kind: 'buffer'; bytes: Buffer };

/** Longest wait for the telemetry worker to name the requests of a streamed body the server never got. */
const REQUEST_IDS_WAIT_MS = 1000;

/** Whether the client sent its whole request body (waits for the end if it is still coming). */
function requestComplete(req: IncomingMessage): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    req.once('end', () => resolve(true));
    req.once('close', () => resolve(req.readableEnded));
  });
}

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Whether a host name (a Host header's, or the listen address) is this machine's loopback. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** The host name a Host header names (without its port); null when it is missing or not a host. */
function hostnameOf(host: string | undefined): string | null {
  if (!host) return null;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return null;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = new Set(
    String(headers['connection'] ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}


/**
 * The reverse proxy for HTTP MCP servers: Streamable HTTP (POST with a JSON or SSE answer, GET streams,
 * DELETE, `Mcp-Session-Id`) and the legacy SSE transport (GET /sse, then POST /messages?sessionId=…).
 * Requests and responses are streamed through as they come, never buffered, with a copy of each chunk
 * handed to the telemetry worker; headers (Authorization included) are passed on and never recorded.
 * Paths are forwarded unchanged. Responses are asked for without compression (`accept-encoding:
 * identity`) so their copies can be read. While a quarantine is active, POST bodies are read whole
 * first: a tools/call to a quarantined tool is answered by the collector and never forwarded, and a
 * tools/list answer is rewritten without the quarantined tools.
 */
export class HttpProxy {
  private readonly server: http.Server;
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;
  /** Legacy SSE sessions: the stream the collector writes its own answers into. */
  private readonly legacyStreams = new Map<string, SseRelay>();
  /** Legacy SSE sessions: tools/list requests whose answer (on the stream) may need rewriting. */
  private readonly legacyToolsList = new Map<string, Set<string>>();

  /** Listening on a loopback address: only requests naming a loopback host are taken (see `handle`). */
  private readonly loopbackOnly: boolean;

  constructor(private readonly options: HttpProxyOptions) {
    this.loopbackOnly = isLoopbackName(options.listen.host);
    this.client = options.upstream.protocol === 'https:' ? https : http;
    this.agent = new this.client.Agent({ keepAlive: true, maxSockets: 256 });
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.listen.port, this.options.listen.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting; open streams are ended after `graceMs`. */
  close(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
      this.server.closeIdleConnections();
      this.server.close(() => {
        clearTimeout(timer);
        this.agent.destroy();
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.loopbackOnly && !isLoopbackName(hostnameOf(req.headers.host) ?? '')) {
      // DNS rebinding: a web page whose name now resolves to 127.0.0.1 is same-origin with the collector, and
      // the collector sends the upstream's own Host, which would pass the server's own check. Such a request
      // names its page's host; an MCP client on this machine names a loopback one.
      this.options.log('warn', 'refused a request for another host (DNS rebinding?)', { host: String(req.headers.host ?? '').slice(0, 200) });
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('palisade-collector: this proxy answers only requests for a loopback host (localhost, 127.0.0.1, [::1])\n');
      req.resume();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    const method = req.method ?? 'GET';
    const tap = new ChannelTap(this.options.link, this.options.link.channel());
    const exchange: Exchange = {
      method,
      sessionId: header(req.headers, 'mcp-session-id'),
      legacySessionId: url.searchParams.get('sessionId') ?? undefined,
      tap,
      toolsList: new Set(),
      extraAnswers: [],
      closed: false,
    };
    const { upstream } = this.options;
    tap.open({
      kind: 'http',
      method,
      path: url.pathname,
      sessionId: exchange.sessionId ?? null,
      legacySessionId: exchange.legacySessionId ?? null,
      protocolVersion: header(req.headers, 'mcp-protocol-version') ?? null,
      serverAddress: upstream.hostname,
      serverPort: Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80)),
    });
    const target = new URL(url.pathname + url.search, upstream);
    if (method === 'POST' && (this.options.policy.active || !this.options.policy.ready)) {
      void this.inspectPost(req, res, target, exchange);
      return;
    }
    this.forward(req, res, target, exchange, { kind: 'stream', prefix: [] });
  }

  /** Reads a POST body whole (up to the parse limit) and applies quarantine decisions to it. */
  private async inspectPost(req: IncomingMessage, res: ServerResponse, target: URL, exchange: Exchange): Promise<void> {
    const encoding = header(req.headers, 'content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      // A compressed body cannot be read here, and servers behind express.json() inflate it: refused like one too large.
      if (!this.options.policy.ready) await this.options.policy.whenReady();
      if (this.options.policy.active) {
        this.refuseUninspected(req, res, exchange, [], 415, `Palisade: a request body with content-encoding ${encoding.slice(0, 40)} cannot be checked while a tool of this server is quarantined, so it was not forwarded; send it uncompressed.`);
        return;
      }
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    const complete = await new Promise<boolean>((resolve) => {
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes > this.options.parseLimitBytes) {
          req.off('data', onData);
          req.pause();
          resolve(false);
        }
      };
      req.on('data', onData);
      req.once('end', () => resolve(true));
      req.once('error', () => resolve(false));
    });
    if (!complete) {
      // Too large to read here: with a tool quarantined it may be a call to it, so it is refused, not passed on unchecked.
      if (!this.options.policy.ready) await this.options.policy.whenReady();
      const tooLarge = `Palisade: a request body larger than --parse-limit (${this.options.parseLimitBytes} bytes) cannot be checked while a tool of this server is quarantined, so it was not forwarded; raise --parse-limit to send it.`;
      if (this.options.policy.active) this.refuseUninspected(req, res, exchange, chunks, 413, tooLarge);
      else this.forward(req, res, target, exchange, { kind: 'stream', prefix: chunks });
      return;
    }
    const body = Buffer.concat(chunks, bytes);
    const frame = checkClientFrame(body.toString('utf8'));
    if (!frame.checked) {
      // Not a body of JSON-RPC messages the collector can read: a lenient server might still find the call in it.
      if (!this.options.policy.ready) await this.options.policy.whenReady();
      const unreadable = `Palisade: a request body that is not valid JSON-RPC (${frame.reason}) cannot be checked while a tool of this server is quarantined, so it was not forwarded; send it as plain JSON.`;
      if (this.options.policy.active) this.refuseUninspected(req, res, exchange, chunks, 400, unreadable);
      else this.forward(req, res, target, exchange, { kind: 'buffer', bytes: body });
      return;
    }
    const { messages } = frame;
    if (!this.options.policy.ready && messages.some(needsQuarantineState)) await this.options.policy.whenReady();
    for (const message of messages) {
      if (message.kind !== 'request' || message.method !== 'tools/list') continue;
      exchange.toolsList.add(rpcIdKey(message.id));
      if (exchange.legacySessionId) this.legacyPending(exchange.legacySessionId).add(rpcIdKey(message.id));
    }
    const decisions = messages.map((message) => this.options.policy.decide(message));
    const blocked = decisions.filter((d): d is BlockDecision => d !== undefined);
    if (blocked.length === 0) {
      this.forward(req, res, target, exchange, { kind: 'buffer', bytes: body });
      return;
    }
    for (const decision of blocked) exchange.tap.blocked({ request: decision.request, reason: decision.reason, error: decision.error });
    const answers = blocked.map((decision) => this.options.policy.errorResponse(decision));
    const { batch } = frame;
    const remaining = batch ? frame.values.filter((_, index) => decisions[index] === undefined) : [];
    const legacy = exchange.legacySessionId ? this.legacyStreams.get(exchange.legacySessionId) : undefined;
    if (legacy) {
      legacy.inject(JSON.stringify(batch ? answers : answers[0]));
      if (remaining.length > 0) this.forward(req, res, target, exchange, { kind: 'buffer', bytes: Buffer.from(jsonText(remaining)) });
      else this.answer(res, exchange, 202, 'text/plain; charset=utf-8', 'Accepted');
      return;
    }
    if (remaining.length > 0) {
      exchange.extraAnswers = answers;
      this.forward(req, res, target, exchange, { kind: 'buffer', bytes: Buffer.from(jsonText(remaining)) });
      return;
    }
    this.answer(res, exchange, 200, 'application/json', JSON.stringify(batch ? answers : answers[0]));
  }

  /**
   * Answers a POST body that cannot be checked while a tool is quarantined (larger than --parse-limit: 413,
   * compressed: 415, not valid JSON-RPC: 400) with a JSON-RPC error, id null: the body could be a call to
   * that tool (a model told to pass a whole file as an argument, a server with a lenient parser). The body
   * still goes to telemetry, as every message does.
   */
  private refuseUninspected(req: IncomingMessage, res: ServerResponse, exchange: Exchange, prefix: Buffer[], status: 400 | 413 | 415, message: string): void {
    const { tap } = exchange;
    for (const chunk of prefix) tap.copy('client_to_server', chunk);
    req.on('data', (chunk: Buffer) => tap.copy('client_to_server', chunk));
    const refuse = () => {
      tap.mark(TapKind.ClientEnd);
      this.options.log('warn', 'refused a request body it cannot check while a tool is quarantined', { status });
      this.answer(res, exchange, status, 'application/json', JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message } }));
    };
    if (req.readableEnded) {
      refuse();
      return;
    }
    req.once('end', refuse);
    req.once('error', () => this.finish(exchange));
    req.resume();
  }

  private answer(res: ServerResponse, exchange: Exchange, status: number, contentType: string, body: string): void {
    const headers: Record<string, string> = { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) };
    if (exchange.sessionId) headers['mcp-session-id'] = exchange.sessionId;
    res.writeHead(status, headers);
    res.end(body);
    this.finish(exchange);
  }

  private forward(req: IncomingMessage, res: ServerResponse, target: URL, exchange: Exchange, body: Body): void {
    const headers = forwardable(req.headers);
    headers['host'] = target.host;
    headers['accept-encoding'] = 'identity';
    if (body.kind === 'buffer') {
      headers['content-length'] = String(body.bytes.length);
      delete headers['transfer-encoding'];
    }
    const upstreamReq = this.client.request(target, { method: exchange.method, headers, agent: this.agent });
    upstreamReq.setNoDelay?.(true);
    upstreamReq.on('response', (upstreamRes) => this.respond(upstreamRes, res, exchange));
    /** The server could not be reached (or went away before answering): the rest of the body only goes to telemetry. */
    let failed = false;
    upstreamReq.on('error', (error) => {
      this.options.log('warn', 'upstream request failed', { error: error.message, path: target.pathname });
      if (failed) return;
      failed = true;
      if (res.headersSent) {
        res.destroy();
        this.finish(exchange);
        return;
      }
      // The body may be paused for a drain that will never come: let it finish into the copy.
      req.resume();
      void this.answerUnreachable(req, res, exchange, body, (error as NodeJS.ErrnoException).code ?? error.message);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    const { tap } = exchange;
    if (body.kind === 'buffer') {
      upstreamReq.end(body.bytes);
      tap.copy('client_to_server', body.bytes);
      tap.mark(TapKind.ClientEnd);
      return;
    }
    for (const chunk of body.prefix) {
      upstreamReq.write(chunk);
      tap.copy('client_to_server', chunk);
    }
    req.on('data', (chunk: Buffer) => {
      if (!failed && !upstreamReq.write(chunk)) {
        req.pause();
        upstreamReq.once('drain', () => req.resume());
      }
      tap.copy('client_to_server', chunk);
    });
    req.once('end', () => {
      if (!failed) upstreamReq.end();
      tap.mark(TapKind.ClientEnd);
    });
    req.once('error', () => upstreamReq.destroy());
    req.resume();
  }

  /**
   * Answers a POST the server never answered (unreachable, or gone before its response head) with an
   * error per request, each with its request's id. A buffered body is parsed here; a streamed one is not
   * kept by the relay, so once it has ended the telemetry worker, which parsed its copy, names the ids.
   */
  private async answerUnreachable(req: IncomingMessage, res: ServerResponse, exchange: Exchange, body: Body, reason: string): Promise<void> {
    let requests: RequestIds | null = null;
    if (body.kind === 'buffer') requests = requestIdsOf(body.bytes.toString('utf8'));
    else if (exchange.method === 'POST' && (await requestComplete(req)) && !res.destroyed) {
      requests = await this.options.link.requestIds(exchange.tap.channel, REQUEST_IDS_WAIT_MS);
    }
    if (res.headersSent || res.destroyed) {
      this.finish(exchange);
      return;
    }
    const answer = unreachableUpstreamAnswer(requests, reason, exchange.extraAnswers);
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': String(Buffer.byteLength(answer.body)) });
    res.end(answer.body);
    this.finish(exchange);
  }

  private respond(upstreamRes: IncomingMessage, res: ServerResponse, exchange: Exchange): void {
    const { tap } = exchange;
    const status = upstreamRes.statusCode ?? 502;
    const contentType = header(upstreamRes.headers, 'content-type') ?? '';
    const sessionId = header(upstreamRes.headers, 'mcp-session-id');
    tap.mark(TapKind.ServerHead, { status, contentType, sessionId: sessionId ?? null });
    const headers = forwardable(upstreamRes.headers);
    const done = () => {
      if (exchange.closed) return;
      tap.mark(TapKind.ServerEnd);
      this.finish(exchange);
    };
    upstreamRes.once('close', () => {
      if (!res.writableEnded) res.end();
      done();
    });
    if (contentType.includes('text/event-stream')) {
      this.relayEvents(upstreamRes, res, exchange, status, headers);
      return;
    }
    const rewrite = exchange.extraAnswers.length > 0 || (this.options.policy.active && exchange.toolsList.size > 0);
    if (rewrite && contentType.includes('application/json')) {
      this.relayRewrittenJson(upstreamRes, res, exchange, status, headers);
      return;
    }
    res.writeHead(status, headers);
    upstreamRes.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) {
        upstreamRes.pause();
        res.once('drain', () => upstreamRes.resume());
      }
      tap.copy('server_to_client', chunk);
    });
    upstreamRes.once('end', () => res.end());
  }

  /** An SSE response (POST answer stream, GET stream, legacy /sse stream): streamed event by event. */
  private relayEvents(upstreamRes: IncomingMessage, res: ServerResponse, exchange: Exchange, status: number, headers: Record<string, string | string[]>): void {
    const { tap } = exchange;
    let legacyId: string | undefined;
    const pending = () => (legacyId ? this.legacyToolsList.get(legacyId) : exchange.toolsList);
    const relay = new SseRelay((bytes) => res.write(bytes), {
      shouldHold: () => this.options.policy.active && (pending()?.size ?? 0) > 0,
      rewrite: (data) => this.rewriteToolsList(data, pending()),
      maxHoldBytes: this.options.parseLimitBytes,
    });
    res.writeHead(status, headers);
    res.flushHeaders();
    for (const answer of exchange.extraAnswers) relay.inject(JSON.stringify(answer));
    // The legacy transport names its session in the first event (`endpoint`): learn it on the spot, so
    // answers to blocked calls can be written into this stream.
    let opening = exchange.method === 'GET' ? '' : undefined;
    upstreamRes.on('data', (chunk: Buffer) => {
      relay.push(chunk);
      tap.copy('server_to_client', chunk);
      if (opening === undefined) return;
      opening += chunk.toString('utf8');
      const match = /event:\s*endpoint\r?\ndata:\s*(\S+)/.exec(opening);
      if (match?.[1]) {
        legacyId = new URL(match[1], 'http://collector.invalid').searchParams.get('sessionId') ?? undefined;
        if (legacyId) this.legacyStreams.set(legacyId, relay);
        opening = undefined;
      } else if (opening.length > 4096) opening = undefined;
    });
    upstreamRes.once('end', () => res.end());
    res.once('close', () => {
      if (legacyId && this.legacyStreams.get(legacyId) === relay) {
        this.legacyStreams.delete(legacyId);
        this.legacyToolsList.delete(legacyId);
      }
    });
  }

  /** A JSON answer that must change (tools/list while a quarantine is active, or blocked calls of a batch). */
  private relayRewrittenJson(upstreamRes: IncomingMessage, res: ServerResponse, exchange: Exchange, status: number, headers: Record<string, string | string[]>): void {
    const chunks: Buffer[] = [];
    upstreamRes.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      exchange.tap.copy('server_to_client', chunk);
    });
    upstreamRes.once('end', () => {
      const original = Buffer.concat(chunks).toString('utf8');
      let text = this.rewriteToolsList(original, exchange.toolsList) ?? original;
      if (exchange.extraAnswers.length > 0) {
        try {
          const value = JSON.parse(text) as unknown;
          text = jsonText([...(Array.isArray(value) ? value : [value]), ...exchange.extraAnswers]);
        } catch {
          // Not JSON after all: leave it as it came.
        }
      }
      const body = Buffer.from(text);
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
    });
  }

  /** A JSON-RPC text (a response or a batch) without quarantined tools in tools/list answers due. */
  private rewriteToolsList(text: string, pending: Set<string> | undefined): string | undefined {
    // `\u0074ools`: a server may escape any letter of its answer (stdio.gate.ts, ESCAPED_CHAR).
    if (!pending || pending.size === 0 || !(text.includes('"tools"') || text.includes('\\u'))) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    let changed = false;
    const rewritten = (Array.isArray(value) ? value : [value]).map((response) => {
      const id = (response as { id?: unknown } | null)?.id;
      if ((typeof id !== 'string' && typeof id !== 'number') || !pending.delete(rpcIdKey(id))) return response;
      const filtered = this.options.policy.filterToolsList(response);
      if (!filtered) return response;
      changed = true;
      return filtered;
    });
    if (!changed) return undefined;
    return jsonText(Array.isArray(value) ? rewritten : (rewritten[0] as object));
  }

  private legacyPending(sessionId: string): Set<string> {
    let pending = this.legacyToolsList.get(sessionId);
    if (!pending) {
      pending = new Set();
      this.legacyToolsList.set(sessionId, pending);
    }
    return pending;
  }

  private finish(exchange: Exchange): void {
    if (exchange.closed) return;
    exchange.closed = true;
    exchange.tap.close();
  }
}
