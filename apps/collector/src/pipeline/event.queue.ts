/** An encoded telemetry event waiting to be shipped. */
export interface QueuedEvent {
  id: string;
  /** Bus key (server + session): keeps a session's events in order on Kafka. */
  key: string;
  json: string;
}

/**
 * The bounded in-memory queue between the pipeline and the shipper, bounded by count and bytes. When full,
 * an event is dropped and counted (`onDrop`): a full queue never blocks an MCP message.
 */
export class EventQueue {
  private items: QueuedEvent[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    private readonly onDrop: (event: QueuedEvent) => void = () => undefined,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** Adds an event; false (and counted) when the queue is full. */
  offer(event: QueuedEvent): boolean {
    const bytes = event.json.length;
    if (this.size >= this.maxEvents || this.bytes + bytes > this.maxBytes) {
      this.onDrop(event);
      return false;
    }
    this.items.push(event);
    this.bytes += bytes;
    return true;
  }

  /** Takes up to `max` events, oldest first. */
  take(max: number): QueuedEvent[] {
    const end = Math.min(this.items.length, this.head + max);
    const batch = this.items.slice(this.head, end);
    this.head = end;
    for (const event of batch) this.bytes -= event.json.length;
    // Taken events must not stay reachable from the backing array.
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return batch;
  }
}
