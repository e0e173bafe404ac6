const LF = 0x0a;
const CR = 0x0d;

/**
 * Finds the ends of Server-Sent Events in a byte stream (an event ends at an empty line: `\n\n` or
 * `\r\n\r\n`), across chunk edges, without decoding. Used by the relay (to write its own events only
 * between two whole upstream events) and by the worker (to frame copies).
 */
export class SseBoundary {
  /** The last two bytes seen before the current chunk. */
  private previous = [LF, LF];
  /** The stream ends exactly after a whole event (or nothing was sent yet). */
  atBoundary = true;

  /** Offsets just after each event end in `chunk`; updates the state past the chunk. */
  scan(chunk: Buffer): number[] {
    const ends: number[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, from);
      if (nl === -1) break;
      const p1 = nl >= 1 ? chunk[nl - 1] : this.previous[1];
      const p2 = nl >= 2 ? chunk[nl - 2] : nl === 1 ? this.previous[1] : this.previous[0];
      if (p1 === LF || (p1 === CR && p2 === LF)) ends.push(nl + 1);
      from = nl + 1;
    }
    if (chunk.length >= 2) this.previous = [chunk[chunk.length - 2] as number, chunk[chunk.length - 1] as number];
    else if (chunk.length === 1) this.previous = [this.previous[1] as number, chunk[0] as number];
    if (chunk.length > 0) this.atBoundary = ends.length > 0 && ends[ends.length - 1] === chunk.length;
    return ends;
  }
}
