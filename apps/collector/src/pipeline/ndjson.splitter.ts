import { FrameAccumulator, type Frame } from './frame.accumulator.js';

export type { Frame, OversizeFrame } from './frame.accumulator.js';

const NEWLINE = 0x0a;

/**
 * Splits copies of a newline-delimited JSON-RPC stream into frames, off the relay path. Memory is bounded:
 * a line longer than `parseLimitBytes` is not kept; only its head, tail, size and SHA-256 are.
 */
export class NdjsonSplitter {
  private readonly line: FrameAccumulator;
  /** After a discarded backlog: drop everything up to the next newline (a partial line). */
  private skipping = false;

  constructor(
    parseLimitBytes: number,
    headBytes: number,
    private readonly onFrame: (frame: Frame) => void,
  ) {
    this.line = new FrameAccumulator(parseLimitBytes, headBytes);
  }

  push(chunk: Buffer, at: number): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        if (start < chunk.length && !this.skipping) this.line.add(chunk.subarray(start));
        return;
      }
      if (this.skipping) this.skipping = false;
      else {
        if (nl > start) this.line.add(chunk.subarray(start, nl));
        const frame = this.line.finish(at);
        if (frame) this.onFrame(frame);
      }
      start = nl + 1;
    }
  }

  /** Forgets the partial line; when the stream was cut mid-line, the rest of that line is skipped too. */
  discard(cutMidLine: boolean): void {
    this.line.reset();
    this.skipping = cutMidLine;
  }
}
