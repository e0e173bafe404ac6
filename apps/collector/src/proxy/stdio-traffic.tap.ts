import type { Logger } from 'pino';
import type { CollectorCounters } from '../health/collector.counters.js';
import type { Clock } from '../pipeline/clock.js';
import type { Direction, EventAssembler } from '../pipeline/event.assembler.js';
import type { RpcMessage } from '../pipeline/jsonrpc.message.js';
import { NdjsonSplitter, type Frame } from '../pipeline/ndjson.splitter.js';
import { OffPathQueue } from '../pipeline/off-path.queue.js';
import { decodeRpcFrame } from '../pipeline/rpc-frame.decoder.js';

export interface StdioTapLimits {
  /** Lines longer than this are not parsed (head, tail, size and digest only). */
  parseLimitBytes: number;
  /** How much of an unparsed line's head is kept. */
  headBytes: number;
  /** Bytes of copies waiting to be parsed before the tap gives up on them. */
  maxBacklogBytes: number;
}

/**
 * The copy side of the stdio relay: the relay hands over each chunk it forwarded (O(1): a reference and a
 * timestamp), and the tap splits, parses and assembles them later, off the relay path, in arrival order
 * across both directions. A chunk is never modified (the relay has already written it).
 */
export class StdioTrafficTap {
  private readonly queue: OffPathQueue;
  private readonly splitters: Record<Direction, NdjsonSplitter>;
  private readonly endedMidLine: Record<Direction, boolean> = { client_to_server: false, server_to_client: false };

  constructor(
    private readonly assembler: EventAssembler,
    private readonly counters: CollectorCounters,
    private readonly logger: Logger,
    private readonly clock: Clock,
    limits: StdioTapLimits,
  ) {
    const splitter = (direction: Direction) => new NdjsonSplitter(limits.parseLimitBytes, limits.headBytes, (frame) => this.onFrame(direction, frame));
    this.splitters = { client_to_server: splitter('client_to_server'), server_to_client: splitter('server_to_client') };
    this.queue = new OffPathQueue(
      limits.maxBacklogBytes,
      () => {
        this.counters.tapDrops += 1;
        this.logger.warn('telemetry tap fell behind: copies dropped (the relay is unaffected)');
        for (const direction of ['client_to_server', 'server_to_client'] as const) this.splitters[direction].discard(this.endedMidLine[direction]);
      },
      (error) => {
        this.counters.internalErrors += 1;
        this.logger.error({ err: error }, 'telemetry tap error (contained)');
      },
    );
  }

  /** Hot path: remembers a forwarded chunk for parsing later. */
  copy(direction: Direction, chunk: Buffer): void {
    const at = this.clock.now();
    this.endedMidLine[direction] = chunk[chunk.length - 1] !== 0x0a;
    this.queue.enqueue(() => this.splitters[direction].push(chunk, at), chunk.length);
  }

  /** A request the collector answered itself, recorded in order with the copies. */
  blocked(request: Extract<RpcMessage, { kind: 'request' }>, reason: string, error: { code: number; message: string }): void {
    const at = this.clock.now();
    this.queue.enqueue(() => this.assembler.recordBlocked(request, reason, error, at), 256);
  }

  /** Parses what is left and closes the session: unanswered requests become `disconnected`. */
  end(): void {
    this.queue.drainNow();
    this.assembler.end(this.clock.now());
  }

  /** Times out unanswered requests, in order with the copies still waiting to be parsed. */
  sweep(): void {
    const now = this.clock.now();
    this.queue.enqueue(() => this.assembler.sweep(now), 0);
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
