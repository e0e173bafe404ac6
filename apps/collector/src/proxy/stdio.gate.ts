import { jsonText } from '../pipeline/json-text.js';
import { rpcIdKey } from '../pipeline/jsonrpc.message.js';
import { decodeRpcFrame } from '../pipeline/rpc-frame.decoder.js';
import { type BlockDecision, needsQuarantineState, type QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import type { RelayTap } from './relay.tap.js';

const NEWLINE = 0x0a;
const TOOLS_CALL = Buffer.from('tools/call');
const TOOLS_LIST = Buffer.from('tools/list');
const TOOLS_KEY = Buffer.from('"tools"');
/**
 * JSON may write any character of a string as `\uXXXX`, and `/` as `\/` (PHP's json_encode does by
 * default): a line holding either may name tools/call, tools/list or `"tools"` without their bytes, so it
 * is parsed too. A malicious server would otherwise escape `"tools"` to keep a quarantined tool listed.
 */
const ESCAPED_CHAR = Buffer.from('\\u');
const ESCAPED_SLASH = Buffer.from('\\/');

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

  /** The client closed stdin: a decision still waiting is made, and a partial last line goes through as is. */
  async clientEnded(): Promise<void> {
    while (this.deferred) await this.deps.policy.whenReady().then(() => undefined);
    for (const piece of this.client.held.splice(0)) this.forwardClientLine(piece);
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

  /** Forwards, rewrites or answers one whole client line; false when it must wait for quarantine state. */
  private handleClientLine(line: Buffer): boolean {
    const escaped = line.includes(ESCAPED_CHAR) || line.includes(ESCAPED_SLASH);
    const mentionsCall = escaped || line.includes(TOOLS_CALL);
    const mentionsList = escaped || line.includes(TOOLS_LIST);
    if (!mentionsCall && !mentionsList) return this.forwardClientLine(line);
    const messages = decodeRpcFrame(line.toString('utf8'));
    if (!messages) return this.forwardClientLine(line);
    // Until the quarantine state is known, a listing or a call waits for it (a quarantined tool must not
    // be listed or reached in the first second of a session); other messages pass.
    if (!this.deps.policy.ready && messages.some(needsQuarantineState)) return false;
    for (const message of messages) {
      if (message.kind === 'request' && message.method === 'tools/list') this.pendingToolsList.add(rpcIdKey(message.id));
    }
    if (!mentionsCall) return this.forwardClientLine(line);
    const decisions = messages.map((m) => this.deps.policy.decide(m));
    const blocked = decisions.filter((d): d is BlockDecision => d !== undefined);
    if (blocked.length === 0) return this.forwardClientLine(line);
    for (const decision of blocked) this.deps.tap.blocked({ request: decision.request, reason: decision.reason, error: decision.error });
    const answers = blocked.map((d) => this.deps.policy.errorResponse(d));
    const trimmed = line.toString('utf8').trimStart();
    if (!trimmed.startsWith('[')) {
      this.injectToClient(Buffer.from(`${JSON.stringify(answers[0])}\n`));
      return true;
    }
    // A batch: forward what may pass, answer the blocked calls in a batch of our own.
    const original = JSON.parse(trimmed) as unknown[];
    const remaining = original.filter((_, index) => decisions[index] === undefined);
    if (remaining.length > 0) this.forwardClientLine(Buffer.from(`${jsonText(remaining)}\n`));
    this.injectToClient(Buffer.from(`${JSON.stringify(answers)}\n`));
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
