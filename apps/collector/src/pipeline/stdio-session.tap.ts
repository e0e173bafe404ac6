import type { CollectorCounters } from '../health/collector.counters.js';
import type { Direction, EventAssembler } from './event.assembler.js';
import type { RpcMessage } from './jsonrpc.message.js';
import { NdjsonSplitter, type Frame } from './ndjson.splitter.js';
import { decodeRpcFrame } from './rpc-frame.decoder.js';
import type { ChannelTap } from './tap.router.js';

export interface FrameLimits {
  /** Frames longer than this are not parsed (head, tail, size and digest only). */
  parseLimitBytes: number;
  /** How much of an unparsed frame's head is kept. */
  headBytes: number;
}

/** What the relay reports about a call it answered itself. */
export interface BlockedCall {
  request: Extract<RpcMessage, { kind: 'request' }>;
  reason: string;
  error: { code: number; message: string };
}

/**
 * The telemetry side of one stdio session, in the worker: copies of both directions are split into lines,
 * parsed and handed to the session's assembler in the order the relay saw them.
 */
export class StdioSessionTap implements ChannelTap {
  private readonly splitters: Record<Direction, NdjsonSplitter>;

  constructor(
    private readonly assembler: EventAssembler,
    private readonly counters: CollectorCounters,
    limits: FrameLimits,
  ) {
    const splitter = (direction: Direction) => new NdjsonSplitter(limits.parseLimitBytes, limits.headBytes, (frame) => this.onFrame(direction, frame));
    this.splitters = { client_to_server: splitter('client_to_server'), server_to_client: splitter('server_to_client') };
  }

  clientData(chunk: Buffer, at: number): void {
    this.splitters.client_to_server.push(chunk, at);
  }

  serverData(chunk: Buffer, at: number): void {
    this.splitters.server_to_client.push(chunk, at);
  }

  /** Stdio has no request/response envelopes: these records never come for a stdio channel. */
  clientEnd(): void {
    return undefined;
  }

  serverHead(): void {
    return undefined;
  }

  serverEnd(): void {
    return undefined;
  }

  /** Copies were dropped on the relay side: resynchronise at the next line. */
  gap(direction: Direction, midLine: boolean): void {
    this.counters.tapDrops += 1;
    this.splitters[direction].discard(midLine);
  }

  blocked(call: BlockedCall, at: number): void {
    this.counters.blockedCalls += 1;
    this.assembler.recordBlocked(call.request, call.reason, call.error, at);
  }

  sweep(now: number): void {
    this.assembler.sweep(now);
  }

  /** The server is gone: unanswered requests become `disconnected`. */
  close(at: number): void {
    this.assembler.end(at);
  }

  private onFrame(direction: Direction, frame: Frame): void {
    if (frame.kind === 'oversize') {
      this.counters.oversizeFrames += 1;
      if (!this.assembler.observeOversize(direction, frame.frame, frame.at)) this.counters.badFrames += 1;
      return;
    }
    const messages = decodeRpcFrame(frame.text);
    if (!messages) {
      this.counters.badFrames += 1;
      return;
    }
    for (const message of messages) this.assembler.observe(direction, message, frame.at);
  }
}
