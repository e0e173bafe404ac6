/**
 * The copy channel between the relay thread and the telemetry worker: a single-producer, single-consumer
 * ring of records in a SharedArrayBuffer. Writing a record is a bounded memcpy and two atomic stores
 * (plus a futex wake when the worker sleeps): the relay never waits, never allocates per byte, and when
 * the ring is full the copy is dropped and counted, never the relayed bytes.
 */

/** Record kinds (one byte). */
export const TapKind = {
  /** A session opens: meta describes it. */
  Open: 1,
  /** Bytes the client sent (stdio) or a request body chunk (http). */
  ClientData: 2,
  /** Bytes the server sent (stdio) or a response body chunk (http). */
  ServerData: 3,
  /** Copies of this channel were dropped (ring full): meta `{ direction, midLine }`. */
  Gap: 4,
  /** A call answered by the collector itself: meta `{ request, reason, error }`. */
  Blocked: 5,
  /** The request is complete (http). */
  ClientEnd: 6,
  /** The response head arrived (http): meta `{ status, contentType, sessionId }`. */
  ServerHead: 7,
  /** The response is complete (http). */
  ServerEnd: 8,
  /** The channel is over: unanswered requests of a stdio session become `disconnected`. */
  Close: 9,
} as const;
export type TapKind = (typeof TapKind)[keyof typeof TapKind];

export interface TapRecord {
  kind: TapKind;
  channel: number;
  /** Epoch ms when the relay saw it. */
  at: number;
  meta: Buffer | null;
  data: Buffer | null;
}

/** `Atomics.waitAsync` (ES2024; in Node since 16), typed here as the workspace targets ES2023. */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

const CONTROL_BYTES = 64;
const WRITE = 0;
const READ = 1;
/** The reader's state: awake, napping (woken early only when the ring fills up), or asleep (woken by any write). */
const SLEEP = 2;
const DROPS = 3;
const AWAKE = 0;
const NAPPING = 1;
const ASLEEP = 2;
const HEADER_BYTES = 24;

export function createTapRing(capacityBytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + capacityBytes);
}

abstract class RingView {
  protected readonly control: Int32Array;
  protected readonly bytes: Buffer;
  protected readonly capacity: number;

  constructor(ring: SharedArrayBuffer) {
    this.control = new Int32Array(ring, 0, CONTROL_BYTES / 4);
    this.capacity = ring.byteLength - CONTROL_BYTES;
    this.bytes = Buffer.from(ring, CONTROL_BYTES, this.capacity);
  }

  /** Copies dropped because the ring was full. */
  get drops(): number {
    return Atomics.load(this.control, DROPS);
  }
}

export class TapRingWriter extends RingView {
  private readonly header = Buffer.alloc(HEADER_BYTES);

  /** Writes one record; false (and counted) when it does not fit. Never blocks. */
  write(kind: TapKind, channel: number, at: number, meta: Buffer | null, data: Buffer | null): boolean {
    const metaLength = meta?.length ?? 0;
    const dataLength = data?.length ?? 0;
    const total = HEADER_BYTES + metaLength + dataLength;
    const write = Atomics.load(this.control, WRITE);
    const read = Atomics.load(this.control, READ);
    const used = (write - read + this.capacity) % this.capacity;
    if (total > this.capacity - used - 1) {
      Atomics.add(this.control, DROPS, 1);
      return false;
    }
    const header = this.header;
    header.writeUInt8(kind, 0);
    header.writeUInt32LE(channel, 4);
    header.writeDoubleLE(at, 8);
    header.writeUInt32LE(metaLength, 16);
    header.writeUInt32LE(dataLength, 20);
    let position = this.put(header, write);
    if (meta) position = this.put(meta, position);
    if (data) position = this.put(data, position);
    Atomics.store(this.control, WRITE, position);
    // Waking the worker costs a futex call per record: only when it sleeps idle, or when the ring is a
    // quarter full. Otherwise it takes the records at its next nap's end (a few milliseconds).
    const sleep = Atomics.load(this.control, SLEEP);
    if (sleep === ASLEEP || (sleep === NAPPING && used + total > this.capacity / 4)) Atomics.notify(this.control, WRITE);
    return true;
  }

  private put(source: Buffer, position: number): number {
    const first = Math.min(source.length, this.capacity - position);
    source.copy(this.bytes, position, 0, first);
    if (first < source.length) source.copy(this.bytes, 0, first);
    return (position + source.length) % this.capacity;
  }
}

export class TapRingReader extends RingView {
  private stopped = false;

  /**
   * Hands every record to `onRecord`, in order, until `stop()`. Between batches it naps `napMs` (woken
   * early when the ring fills up); after a nap with nothing to read it sleeps until the next write.
   */
  async run(onRecord: (record: TapRecord) => void, napMs = 5, yieldEveryMs = 4): Promise<void> {
    let idle = false;
    while (!this.stopped) {
      const start = performance.now();
      let any = false;
      while (!this.stopped && Atomics.load(this.control, READ) !== Atomics.load(this.control, WRITE)) {
        onRecord(this.take());
        any = true;
        if (performance.now() - start > yieldEveryMs) break;
      }
      if (this.stopped) break;
      if (any && Atomics.load(this.control, READ) !== Atomics.load(this.control, WRITE)) {
        // More is waiting: let the worker's own I/O (bus, spool, timers) run, then go on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      idle = !any;
      Atomics.store(this.control, SLEEP, idle ? ASLEEP : NAPPING);
      const write = Atomics.load(this.control, WRITE);
      if (write === Atomics.load(this.control, READ)) {
        const wait = idle ? waitAsync(this.control, WRITE, write) : waitAsync(this.control, WRITE, write, napMs);
        if (wait.async) await wait.value;
      } else if (!idle) {
        await new Promise<void>((resolve) => setTimeout(resolve, napMs));
      }
      Atomics.store(this.control, SLEEP, AWAKE);
    }
  }

  /** Takes everything written so far, synchronously (shutdown). */
  drain(onRecord: (record: TapRecord) => void): void {
    while (Atomics.load(this.control, READ) !== Atomics.load(this.control, WRITE)) onRecord(this.take());
  }

  /** Ends `run` (wakes it if it sleeps). */
  stop(): void {
    this.stopped = true;
    Atomics.notify(this.control, WRITE);
  }

  private take(): TapRecord {
    let position = Atomics.load(this.control, READ);
    const header = this.get(position, HEADER_BYTES);
    position = (position + HEADER_BYTES) % this.capacity;
    const metaLength = header.readUInt32LE(16);
    const dataLength = header.readUInt32LE(20);
    const meta = metaLength > 0 ? this.get(position, metaLength) : null;
    position = (position + metaLength) % this.capacity;
    const data = dataLength > 0 ? this.get(position, dataLength) : null;
    position = (position + dataLength) % this.capacity;
    Atomics.store(this.control, READ, position);
    return { kind: header.readUInt8(0) as TapKind, channel: header.readUInt32LE(4), at: header.readDoubleLE(8), meta, data };
  }

  /** A private copy of `length` bytes at `position` (the ring space is reused as soon as READ moves). */
  private get(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    const first = Math.min(length, this.capacity - position);
    this.bytes.copy(out, 0, position, position + first);
    if (first < length) this.bytes.copy(out, first, 0, length - first);
    return out;
  }
}
