import { createHash, type Hash } from 'node:crypto';

/** A frame too large to parse: what is kept of it. */
export interface OversizeFrame {
  /** First bytes of the frame (UTF-8, possibly cut inside a character). */
  head: string;
  /** Last bytes of the frame. */
  tail: string;
  bytes: number;
  sha256: string;
}

export type Frame = { kind: 'text'; text: string; at: number } | { kind: 'oversize'; frame: OversizeFrame; at: number };

const TAIL_BYTES = 512;

/**
 * Collects the pieces of one frame (a stdio line, an HTTP body, an SSE event) with bounded memory: up to
 * `parseLimitBytes` the pieces are kept for parsing; beyond, only the head, the tail, the size and a
 * running SHA-256 are.
 */
export class FrameAccumulator {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversize: { hash: Hash; head: Buffer; tail: Buffer; bytes: number } | null = null;

  constructor(
    private readonly parseLimitBytes: number,
    private readonly headBytes: number,
  ) {}

  get bytes(): number {
    return this.oversize ? this.oversize.bytes : this.partBytes;
  }

  add(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversize) {
      this.feedOversize(piece);
      return;
    }
    if (this.partBytes + piece.length <= this.parseLimitBytes) {
      this.parts.push(piece);
      this.partBytes += piece.length;
      return;
    }
    const held = Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    this.oversize = { hash: createHash('sha256'), head: Buffer.alloc(0), tail: Buffer.alloc(0), bytes: 0 };
    this.feedOversize(held);
    this.feedOversize(piece);
  }

  /** The frame collected so far (null when empty or blank), and a fresh start. */
  finish(at: number): Frame | null {
    if (this.oversize) {
      const { hash, head, tail, bytes } = this.oversize;
      this.oversize = null;
      return { kind: 'oversize', frame: { head: head.toString('utf8'), tail: tail.toString('utf8').replace(/\r$/, ''), bytes, sha256: hash.digest('hex') }, at };
    }
    if (this.partBytes === 0) return null;
    const whole = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.partBytes);
    this.reset();
    const text = whole.toString('utf8');
    if (text.trim().length === 0) return null;
    return { kind: 'text', text: text.endsWith('\r') ? text.slice(0, -1) : text, at };
  }

  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.oversize = null;
  }

  private feedOversize(piece: Buffer): void {
    const state = this.oversize;
    if (!state || piece.length === 0) return;
    state.hash.update(piece);
    state.bytes += piece.length;
    if (state.head.length < this.headBytes) state.head = Buffer.concat([state.head, piece.subarray(0, this.headBytes - state.head.length)]);
    state.tail = piece.length >= TAIL_BYTES ? Buffer.from(piece.subarray(piece.length - TAIL_BYTES)) : Buffer.concat([state.tail, piece]).subarray(-TAIL_BYTES);
  }
}
