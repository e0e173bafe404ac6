import { newId } from '@palisade/schema/telemetry';
import type { CollectorRuntime } from '../collector.runtime.js';
import type { Direction } from './event.assembler.js';
import { HttpExchangeTap, type HttpExchangeMeta, type ResponseHead } from './http-exchange.tap.js';
import { HttpSessionRegistry } from './http-session.registry.js';
import type { RequestIds } from './rpc-frame.decoder.js';
import { StdioSessionTap, type BlockedCall, type FrameLimits } from './stdio-session.tap.js';
import { TapKind, type TapRecord } from './tap.ring.js';

/** The worker side of one ring channel (a stdio session or an HTTP exchange). */
export interface ChannelTap {
  clientData(chunk: Buffer, at: number): void;
  serverData(chunk: Buffer, at: number): void;
  clientEnd(at: number): void;
  serverHead(head: ResponseHead, at: number): void;
  serverEnd(at: number): void;
  gap(direction: Direction, midLine: boolean): void;
  blocked(call: BlockedCall, at: number): void;
  sweep(now: number): void;
  close(at: number): void;
}

const json = <T>(bytes: Buffer | null): T | undefined => {
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
};

/** Hands one record to its channel's tap. */
function dispatch(tap: ChannelTap, record: TapRecord): void {
  switch (record.kind) {
    case TapKind.ClientData:
      if (record.data) tap.clientData(record.data, record.at);
      return;
    case TapKind.ServerData:
      if (record.data) tap.serverData(record.data, record.at);
      return;
    case TapKind.ClientEnd:
      tap.clientEnd(record.at);
      return;
    case TapKind.ServerHead: {
      const head = json<ResponseHead>(record.meta);
      if (head) tap.serverHead(head, record.at);
      return;
    }
    case TapKind.ServerEnd:
      tap.serverEnd(record.at);
      return;
    case TapKind.Gap: {
      const gap = json<{ direction: Direction; midLine: boolean }>(record.meta);
      if (gap) tap.gap(gap.direction, gap.midLine);
      return;
    }
    case TapKind.Blocked: {
      const call = json<BlockedCall>(record.meta);
      if (call) tap.blocked(call, record.at);
      return;
    }
    default:
      return;
  }
}

/** How long an HTTP session may stay silent before it is forgotten (its requests are swept first). */
const HTTP_SESSION_IDLE_MS = 30 * 60_000;

/**
 * Routes the ring's records to their channel's tap, in the order the relay wrote them. A channel opens with
 * an `Open` record describing it and ends with `Close`; errors are contained and counted.
 */
export class TapRouter {
  private readonly channels = new Map<number, ChannelTap>();
  private readonly httpSessions: HttpSessionRegistry;

  constructor(
    private readonly runtime: CollectorRuntime,
    private readonly limits: FrameLimits,
  ) {
    this.httpSessions = new HttpSessionRegistry(runtime, Math.max(HTTP_SESSION_IDLE_MS, 2 * runtime.config.requestTimeoutMs));
    runtime.addSweeper(() => {
      const now = runtime.clock.now();
      for (const channel of this.channels.values()) channel.sweep(now);
      this.httpSessions.sweep(now);
    });
  }

  route(record: TapRecord): void {
    try {
      if (record.kind === TapKind.Open) {
        this.open(record);
        return;
      }
      const channel = this.channels.get(record.channel);
      if (!channel) {
        this.runtime.counters.tapDrops += 1;
        return;
      }
      if (record.kind === TapKind.Close) {
        this.channels.delete(record.channel);
        channel.close(record.at);
        return;
      }
      dispatch(channel, record);
    } catch (error) {
      this.runtime.counters.internalErrors += 1;
      this.runtime.logger.error({ err: error }, 'telemetry record could not be processed (contained)');
    }
  }

  /** The requests of an HTTP exchange's body, as far as its copy shows them (see `HttpExchangeTap.bodyRequests`). */
  requestIds(channel: number): RequestIds | null {
    const tap = this.channels.get(channel);
    return tap instanceof HttpExchangeTap ? tap.bodyRequests() : null;
  }

  /** Ends every channel and session still open (shutdown): what waits for an answer is `disconnected`. */
  closeAll(at: number): void {
    for (const [id, channel] of this.channels) {
      this.channels.delete(id);
      channel.close(at);
    }
    this.httpSessions.endAll(at);
  }

  private open(record: TapRecord): void {
    const meta = json<{ kind: 'stdio'; serverAddress?: string } | HttpExchangeMeta>(record.meta);
    if (meta?.kind === 'http') {
      this.channels.set(record.channel, new HttpExchangeTap(meta, this.httpSessions, this.runtime.counters, this.limits));
      return;
    }
    if (meta?.kind === 'stdio') {
      const assembler = this.runtime.assembler({ sessionId: newId(), transport: 'pipe', protocolName: 'stdio', ...(meta.serverAddress ? { serverAddress: meta.serverAddress } : {}) });
      this.channels.set(record.channel, new StdioSessionTap(assembler, this.runtime.counters, this.limits));
    }
  }
}
