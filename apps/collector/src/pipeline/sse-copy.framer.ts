import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { FrameAccumulator, type OversizeFrame } from './frame.accumulator.js';
import { SseBoundary } from './sse.boundary.js';

export type SseCopyEvent = { kind: 'event'; event: EventSourceMessage; at: number } | { kind: 'oversize'; frame: OversizeFrame; at: number };

/**
 * Splits copies of a Server-Sent Events stream into events, with bounded memory (an event larger than
 * the parse limit keeps only its head, tail, size and digest), and parses each with eventsource-parser.
 */
export class SseCopyFramer {
  private readonly boundary = new SseBoundary();
  private readonly event: FrameAccumulator;
  private skipping = false;
  private parsed: EventSourceMessage[] = [];
  private readonly parser = createParser({ onEvent: (event) => this.parsed.push(event) });

  constructor(
    parseLimitBytes: number,
    headBytes: number,
    private readonly onEvent: (event: SseCopyEvent) => void,
  ) {
    this.event = new FrameAccumulator(parseLimitBytes, headBytes);
  }

  push(chunk: Buffer, at: number): void {
    let start = 0;
    for (const end of this.boundary.scan(chunk)) {
      if (this.skipping) this.skipping = false;
      else {
        this.event.add(chunk.subarray(start, end));
        this.emit(at);
      }
      start = end;
    }
    if (start < chunk.length && !this.skipping) this.event.add(chunk.subarray(start));
  }

  /** Copies were dropped: forget the partial event and resume after the next event end. */
  discard(): void {
    this.event.reset();
    this.skipping = true;
  }

  private emit(at: number): void {
    const frame = this.event.finish(at);
    if (!frame) return;
    if (frame.kind === 'oversize') {
      // Keep what follows `data:` as the head, so the id can still be found in it.
      const index = frame.frame.head.indexOf('data:');
      const head = index >= 0 ? frame.frame.head.slice(index + 5).trimStart() : frame.frame.head;
      this.onEvent({ kind: 'oversize', frame: { ...frame.frame, head, tail: frame.frame.tail.trimEnd() }, at });
      return;
    }
    this.parser.feed(frame.text.endsWith('\n') ? `${frame.text}\n` : `${frame.text}\n\n`);
    const events = this.parsed;
    this.parsed = [];
    for (const event of events) this.onEvent({ kind: 'event', event, at });
  }
}
