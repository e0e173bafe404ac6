import type { BlockedCall } from '../pipeline/stdio-session.tap.js';
import { TapKind } from '../pipeline/tap.ring.js';
import type { TelemetryLink } from '../pipeline/telemetry.link.js';

export type TapDirection = 'client_to_server' | 'server_to_client';

/** What the relay hands to telemetry: references to forwarded bytes, and the calls it answered itself. */
export interface RelayTap {
  copy(direction: TapDirection, chunk: Buffer): void;
  blocked(call: BlockedCall): void;
}

/**
 * The relay side of one channel: each forwarded chunk is written to the ring as is. When the ring is full
 * the copy is dropped, and a gap record (with whether the stream was cut inside a line) is written first
 * once there is room again, so the worker resynchronises at the next line.
 */
export class ChannelTap implements RelayTap {
  private readonly cutMidLine: Record<TapDirection, boolean | null> = { client_to_server: null, server_to_client: null };

  constructor(
    private readonly link: TelemetryLink,
    readonly channel: number,
  ) {}

  copy(direction: TapDirection, chunk: Buffer): void {
    const gap = this.cutMidLine[direction];
    if (gap !== null) {
      if (!this.link.write(TapKind.Gap, this.channel, { direction, midLine: gap }, null)) {
        this.cutMidLine[direction] = chunk[chunk.length - 1] !== 0x0a;
        return;
      }
      this.cutMidLine[direction] = null;
    }
    if (!this.link.write(direction === 'client_to_server' ? TapKind.ClientData : TapKind.ServerData, this.channel, null, chunk)) {
      this.cutMidLine[direction] = chunk[chunk.length - 1] !== 0x0a;
    }
  }

  blocked(call: BlockedCall): void {
    this.link.write(TapKind.Blocked, this.channel, call, null, true);
  }

  /** Opens the channel on the worker side (`meta` describes the session or exchange). */
  open(meta: object): void {
    this.link.write(TapKind.Open, this.channel, meta, null, true);
  }

  /** A record without data that must not be lost (request end, response head and end). */
  mark(kind: TapKind, meta: object | null = null): void {
    this.link.write(kind, this.channel, meta, null, true);
  }

  close(): void {
    this.link.write(TapKind.Close, this.channel, null, null, true);
  }
}
