import { SseBoundary } from '../pipeline/sse.boundary.js';

export interface SseRelayOptions {
  /** Whether whole events must be held and inspected now (a quarantine is active and a tools/list answer is due). */
  shouldHold: () => boolean;
  /** The event's `data` as the client should see it, or undefined to keep the event as it came. */
  rewrite: (data: string) => string | undefined;
  /** Beyond this many held bytes, inspection gives up and the bytes go through as they are. */
  maxHoldBytes: number;
}

/** The `data` of one SSE event block (joined `data:` lines), or undefined when it has none. */
function dataOf(block: string): { data: string; others: string[] } | undefined {
  const data: string[] = [];
  const others: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    else others.push(line);
  }
  return data.length > 0 ? { data: data.join('\n'), others } : undefined;
}

/**
 * Relays one Server-Sent Events response to the client. Normally each chunk is written as it comes
 * (streaming is never buffered); the relay only tracks where events end, so that the collector's own
 * events (answers to blocked calls) are written between two whole upstream events. While `shouldHold`
 * says so, whole events are held and a tools/list answer is rewritten without the quarantined tools.
 */
export class SseRelay {
  private readonly boundary = new SseBoundary();
  private held: Buffer[] = [];
  private heldBytes = 0;
  private injections: Buffer[] = [];

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly options: SseRelayOptions,
  ) {}

  push(chunk: Buffer): void {
    if (this.held.length === 0 && !this.options.shouldHold()) {
      this.passThrough(chunk);
      return;
    }
    this.hold(chunk);
  }

  /** Writes one event of the collector's own (`event: message`, `data: json`) at the next event boundary. */
  inject(json: string): void {
    const bytes = Buffer.from(`event: message\ndata: ${json}\n\n`);
    if (this.boundary.atBoundary && this.held.length === 0) this.write(bytes);
    else this.injections.push(bytes);
  }

  private passThrough(chunk: Buffer): void {
    if (this.injections.length === 0) {
      this.boundary.scan(chunk);
      this.write(chunk);
      return;
    }
    const ends = this.boundary.scan(chunk);
    const first = ends[0];
    if (first === undefined) {
      this.write(chunk);
      return;
    }
    this.write(chunk.subarray(0, first));
    this.flushInjections();
    if (first < chunk.length) this.write(chunk.subarray(first));
  }

  private hold(chunk: Buffer): void {
    const ends = this.boundary.scan(chunk);
    let start = 0;
    for (const end of ends) {
      const piece = chunk.subarray(start, end);
      const event = this.held.length > 0 ? Buffer.concat([...this.held, piece]) : piece;
      this.held = [];
      this.heldBytes = 0;
      this.write(this.rewriteEvent(event));
      this.flushInjections();
      start = end;
    }
    if (start < chunk.length) {
      this.held.push(chunk.subarray(start));
      this.heldBytes += chunk.length - start;
      if (this.heldBytes > this.options.maxHoldBytes) {
        for (const piece of this.held) this.write(piece);
        this.held = [];
        this.heldBytes = 0;
      }
    }
  }

  private rewriteEvent(event: Buffer): Buffer {
    const parsed = dataOf(event.toString('utf8'));
    if (!parsed) return event;
    const data = this.options.rewrite(parsed.data);
    if (data === undefined) return event;
    return Buffer.from(`${parsed.others.map((line) => `${line}\n`).join('')}data: ${data}\n\n`);
  }

  private flushInjections(): void {
    const pending = this.injections;
    this.injections = [];
    for (const bytes of pending) this.write(bytes);
  }
}
