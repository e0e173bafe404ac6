/**
 * The collector's own health figures. Plain numbers, bumped from the pipeline and logged periodically
 * (with `--verbose` or `--log-file`) and once on exit.
 */
export class CollectorCounters {
  /** Telemetry events recorded (pairs, notifications, blocks). */
  events = 0;
  /** Events published to the bus (directly or from the spool). */
  shipped = 0;
  /** Events dropped because the in-memory queue was full. */
  queueDrops = 0;
  /** Events written to the disk spool because the bus was slow or down. */
  spooled = 0;
  /** Events dropped because the disk spool was full (or could not be written). */
  spoolDrops = 0;
  /** Bus publishes that failed or timed out. */
  busErrors = 0;
  /** Events that failed validation and were kept aside in the dead-letter file. */
  deadLetters = 0;
  /** Frames that were not JSON-RPC (malformed JSON, wrong shape); relayed untouched, not recorded. */
  badFrames = 0;
  /** Frames larger than the parse limit: recorded from their head, size and digest only. */
  oversizeFrames = 0;
  /** Copies of unknown channels, or gaps after the ring was full (the relay itself is never affected). */
  tapDrops = 0;
  /** Responses that arrived after their request had timed out, or that matched no request. */
  unmatchedResponses = 0;
  /** Calls to quarantined tools answered by the collector itself. */
  blockedCalls = 0;
  /** Unread bytes currently in the disk spool(s); set by the shipper. */
  spoolBytes = 0;
  /** Events currently waiting in the in-memory queue; set by the queue. */
  queued = 0;
  /** Errors inside the collector's own pipeline that were contained. */
  internalErrors = 0;

  /** Figures kept elsewhere (the ring's drop count, on the relay side), read at snapshot time. */
  private readonly sources: (() => Record<string, number>)[] = [];

  addSource(read: () => Record<string, number>): void {
    this.sources.push(read);
  }

  snapshot(): Record<string, number> {
    const figures: Record<string, number> = {};
    for (const [key, value] of Object.entries(this)) if (typeof value === 'number') figures[key] = value;
    for (const read of this.sources) Object.assign(figures, read());
    return figures;
  }
}
