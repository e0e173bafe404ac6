import { jsonText } from '../pipeline/json-text.js';
import { type RpcId, rpcIdKey } from '../pipeline/jsonrpc.message.js';
import { checkClientFrame } from '../pipeline/rpc-frame.decoder.js';
import { type BlockDecision, needsQuarantineState, type QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import type { RelayTap } from './relay.tap.js';
import type { ProxyLog } from './stdio.proxy.js';

const NEWLINE = 0x0a;
const TOOLS_KEY = Buffer.from('"tools"');
/**
 * JSON may write any character of a string as `\uXXXX`: a server line holding one may name `"tools"`
 * without its bytes, so it is parsed too. A malicious server would otherwise escape `"tools"` to keep a
 * quarantined tool listed.
 */
const ESCAPED_CHAR = Buffer.from('\\u');

/** The id a line that does not parse names, when one can be read out of it (`"id": 7`, `"id":"a"`). */
function recoverId(text: string): RpcId | undefined {
  const match = /"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*")/.exec(text);
  if (!match?.[1]) return undefined;
  try {
    const id = JSON.parse(match[1]) as unknown;
    return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** One direction's framing state: a partial line held, or a line relayed raw up to now. */
interface LineState {
  held: Buffer[];
  midLine: boolean;
}

export interface StdioGateDeps {
  toServer: (bytes: Buffer) => void;
  toClient: (bytes: Buffer) => void;
  tap: RelayTap;
  policy: QuarantinePolicy;
  log: ProxyLog;
}

/**
 * The stdio relay's decision point, both directions. While nothing is quarantined (the normal case) a
 * chunk is forwarded as is and its reference handed to the tap: no parsing, no copy, no framing beyond a
 * last-byte check. While a quarantine is active, client lines are framed so that a tools/call to a
 * quarantined tool is answered by the collector and never forwarded, and a tools/list response is
 * rewritten without the quarantined tools. Everything else goes through byte for byte, and the collector's
 * own answers are written to the client only between two whole server lines.
 */
export class StdioGate {
  private readonly client: LineState = { held: [], midLine: false };
  private readonly server: LineState = { held: [], midLine: false };
  private deferred: Buffer[] | null = null;
  private injections: Buffer[] = [];
  private readonly pendingToolsList = new Set<string>();
  private droppedLogged = false;

  constructor(private readonly deps: StdioGateDeps) {}

  /** Bytes the client wrote to the collector's stdin. */
  fromClient(chunk: Buffer): void {
    if (this.deferred) {
      this.deferred.push(chunk);
      return;
    }
    if (this.client.held.length === 0 && this.deps.policy.active === false && this.deps.policy.ready) {
      this.deps.toServer(chunk);
      this.deps.tap.copy('client_to_server', chunk);
      this.client.midLine = chunk[chunk.length - 1] !== NEWLINE;
      return;
    }
    this.inspectClient(chunk);
  }

  /** Bytes the server wrote to its stdout. */
  fromServer(chunk: Buffer): void {
    if (this.server.held.length === 0 && !(this.deps.policy.active && this.pendingToolsList.size > 0)) {
      if (this.pendingToolsList.size > 0 && !this.deps.policy.active) this.pendingToolsList.clear();
      let start = 0;
      if (this.injections.length > 0 && this.server.midLine) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl >= 0) {
          this.deps.toClient(chunk.subarray(0, nl + 1));
          this.server.midLine = false;
          this.flushInjections();
          start = nl + 1;
        }
      }
      if (start < chunk.length) {
        this.deps.toClient(start === 0 ? chunk : chunk.subarray(start));
        this.server.midLine = chunk[chunk.length - 1] !== NEWLINE;
      }
      this.deps.tap.copy('server_to_client', chunk);
      if (!this.server.midLine && this.injections.length > 0) this.flushInjections();
      return;
    }
    this.inspectServer(chunk);
  }

  /**
   * The client closed stdin: a decision still waiting is made, and a partial last line is handled like a
   * whole one (while a quarantine is active it may be a call, and a server reading to the end would run it).
   */
  async clientEnded(): Promise<void> {
    while (this.deferred) await this.deps.policy.whenReady().then(() => undefined);
    const held = this.client.held.splice(0);
    if (held.length === 0) return;
    if (!this.deps.policy.ready) await this.deps.policy.whenReady();
    const last = Buffer.concat(held);
    if (this.deps.policy.active) this.handleClientLine(last);
    else this.forwardClientLine(last);
  }

  /** The server closed stdout: a partial last line goes through as is, then anything of the collector's own. */
  serverEnded(): void {
    for (const piece of this.server.held.splice(0)) {
      this.deps.toClient(piece);
      this.deps.tap.copy('server_to_client', piece);
    }
    this.server.midLine = false;
    this.flushInjections();
  }

  private inspectClient(chunk: Buffer): void {
    this.eachLine(this.client, chunk, (raw) => this.forwardClientLine(raw), (line, rest) => {
      if (this.handleClientLine(line)) return true;
      this.deferred = [line, rest];
      void this.deps.policy.whenReady().then(() => this.resume());
      return false;
    });
  }

  /**
   * Calls `onLine` for each whole line of `chunk` (with what follows it), holding a partial line for the
   * next chunk. A line whose start was relayed raw before inspection began is finished raw.
   */
  private eachLine(state: LineState, chunk: Buffer, passRaw: (bytes: Buffer) => void, onLine: (line: Buffer, rest: Buffer) => boolean): void {
    let start = 0;
    if (state.midLine && state.held.length === 0) {
      const nl = chunk.indexOf(NEWLINE);
      const end = nl === -1 ? chunk.length : nl + 1;
      passRaw(chunk.subarray(0, end));
      if (nl === -1) return;
      state.midLine = false;
      start = end;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        if (start < chunk.length) state.held.push(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, nl + 1);
      const line = state.held.length > 0 ? Buffer.concat([...state.held, piece]) : piece;
      state.held = [];
      start = nl + 1;
      if (!onLine(line, chunk.subarray(start))) return;
    }
  }

  /**
   * Forwards, rewrites or answers one whole client line; false when it must wait for quarantine state. Every
   * line is parsed here (this runs only while a quarantine is active or not yet known): a line that is not
   * valid JSON-RPC cannot be checked, and a lenient server might still run a call to a quarantined tool in it.
   */
  private handleClientLine(line: Buffer): boolean {
    const text = line.toString('utf8');
    if (text.trim() === '') return this.forwardClientLine(line);
    const frame = checkClientFrame(text);
    if (!frame.checked) {
      if (!this.deps.policy.ready) return false;
      return this.deps.policy.active ? this.refuseUnchecked(line, text, frame.reason) : this.forwardClientLine(line);
    }
    const { messages } = frame;
    // Until the quarantine state is known, a listing or a call waits for it (a quarantined tool must not
    // be listed or reached in the first second of a session); other messages pass.
    if (!this.deps.policy.ready && messages.some(needsQuarantineState)) return false;
    for (const message of messages) {
      if (message.kind === 'request' && message.method === 'tools/list') this.pendingToolsList.add(rpcIdKey(message.id));
    }
    const decisions = messages.map((m) => this.deps.policy.decide(m));
    const blocked = decisions.filter((d): d is BlockDecision => d !== undefined);
    if (blocked.length === 0) return this.forwardClientLine(line);
    for (const decision of blocked) this.deps.tap.blocked({ request: decision.request, reason: decision.reason, error: decision.error });
    const answers = blocked.map((d) => this.deps.policy.errorResponse(d));
    if (!frame.batch) {
      this.injectToClient(Buffer.from(`${JSON.stringify(answers[0])}\n`));
      return true;
    }
    // A batch: forward what may pass, answer the blocked calls in a batch of our own.
    const remaining = frame.values.filter((_, index) => decisions[index] === undefined);
    if (remaining.length > 0) this.forwardClientLine(Buffer.from(`${jsonText(remaining)}\n`));
    this.injectToClient(Buffer.from(`${JSON.stringify(answers)}\n`));
    return true;
  }

  /**
   * A line that cannot be checked while a tool is quarantined: never forwarded, but recorded like every
   * message. The client gets an error when the line names an id it can be matched to; otherwise the line
   * is dropped (an answer with id null would match no request), which is logged once per session.
   */
  private refuseUnchecked(line: Buffer, text: string, reason: string): true {
    this.deps.tap.copy('client_to_server', line);
    const id = recoverId(text);
    const message = `Palisade: a message that is not valid JSON-RPC (${reason}) cannot be checked while a tool of this server is quarantined, so it was not forwarded; send it as plain JSON.`;
    if (id !== undefined) {
      this.injectToClient(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32600, message } })}\n`));
    } else if (!this.droppedLogged) {
      this.droppedLogged = true;
      this.deps.log('warn', 'dropped a client line it cannot check while a tool is quarantined (further ones are dropped silently)', { reason });
    }
    return true;
  }

  private forwardClientLine(line: Buffer): true {
    this.deps.toServer(line);
    this.deps.tap.copy('client_to_server', line);
    return true;
  }

  private resume(): void {
    const chunks = this.deferred ?? [];
    this.deferred = null;
    for (const chunk of chunks) if (chunk.length > 0) this.fromClient(chunk);
  }

  private inspectServer(chunk: Buffer): void {
    const relay = (original: Buffer, shown: Buffer) => {
      this.deps.toClient(shown);
      this.deps.tap.copy('server_to_client', original);
      if (shown[shown.length - 1] === NEWLINE) this.flushInjections();
    };
    this.eachLine(this.server, chunk, (raw) => relay(raw, raw), (line) => {
      relay(line, this.rewriteServerLine(line));
      return true;
    });
  }

  /** The line as the client should see it: a tools/list answer without quarantined tools, else as is. */
  private rewriteServerLine(line: Buffer): Buffer {
    if (this.pendingToolsList.size === 0 || !(line.includes(TOOLS_KEY) || line.includes(ESCAPED_CHAR))) return line;
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      return line;
    }
    const responses = Array.isArray(value) ? value : [value];
    let changed = false;
    const rewritten = responses.map((response) => {
      const id = (response as { id?: unknown } | null)?.id;
      const key = typeof id === 'string' || typeof id === 'number' ? rpcIdKey(id) : undefined;
      if (key === undefined || !this.pendingToolsList.delete(key)) return response;
      const filtered = this.deps.policy.filterToolsList(response);
      if (!filtered) return response;
      changed = true;
      return filtered;
    });
    if (!changed) return line;
    return Buffer.from(`${jsonText(Array.isArray(value) ? rewritten : (rewritten[0] as object))}\n`);
  }

  private injectToClient(bytes: Buffer): void {
    if (!this.server.midLine && this.server.held.length === 0) this.deps.toClient(bytes);
    else this.injections.push(bytes);
  }

  private flushInjections(): void {
    if (this.injections.length === 0) return;
    const pending = this.injections;
    this.injections = [];
    for (const bytes of pending) this.deps.toClient(bytes);
  }
}
