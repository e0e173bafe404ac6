import { mkdir, open, readdir, rename, rm, stat, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { QueuedEvent } from './event.queue.js';

/** Where the next unread record starts. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolRecord {
  events: QueuedEvent[];
  /** The position just after this record: commit it once the record is safely on the bus. */
  next: SpoolPosition;
  bytes: number;
}

export interface DiskSpoolOptions {
  /** Unread bytes at most; an append beyond it is refused (`full`). */
  maxBytes: number;
  /** A segment file is closed and a new one started beyond this size. */
  segmentBytes?: number;
  /** Called when a damaged record is met (the rest of its segment is skipped). */
  onCorrupt?: (detail: string) => void;
}

const HEADER_BYTES = 8;
const INDEX_FILE = 'index.json';
const SEGMENT_PATTERN = /^segment-(\d{12})\.log$/;
const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
/** A record claiming to be larger than this is damage, not data. */
const MAX_RECORD_BYTES = 1024 ** 3;

const segmentName = (n: number) => `segment-${String(n).padStart(12, '0')}.log`;

/**
 * A durable FIFO of event batches on disk: an append-only log of segment files plus a committed read index.
 * Each record is `[length u32][crc32 u32][payload]`, appended and fsynced before `append` resolves (the
 * write position is the end of the last whole record: a torn tail left by a crash is cut off at open). The
 * read position lives in `index.json`, replaced atomically (write, fsync, rename) on `commit`, and
 * segments wholly read are deleted. After a crash, records not yet committed are read again: at least
 * once, in order. All I/O is asynchronous; nothing here runs on the relay path.
 */
export class DiskSpool {
  private segments: { n: number; size: number }[] = [];
  private read: SpoolPosition = { segment: 1, offset: 0 };
  private writer: FileHandle | null = null;
  private readers = new Map<number, FileHandle>();
  private unread = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly options: Required<Omit<DiskSpoolOptions, 'onCorrupt'>> & Pick<DiskSpoolOptions, 'onCorrupt'>,
  ) {}

  /** Opens (or creates) the spool in `dir`, cutting off a torn tail and loading the committed position. */
  static async open(dir: string, options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(dir, { segmentBytes: DEFAULT_SEGMENT_BYTES, ...options });
    await spool.recover();
    return spool;
  }

  /** Bytes appended and not yet committed as read. */
  get unreadBytes(): number {
    return this.unread;
  }

  get isEmpty(): boolean {
    return this.unread === 0;
  }

  /** Appends one batch durably; `full` when it would exceed the bound (nothing is written then). */
  append(events: readonly QueuedEvent[]): Promise<'ok' | 'full'> {
    return this.serialised(async () => {
      const payload = Buffer.from(JSON.stringify(events.map((e) => [e.id, e.key, e.json])));
      const record = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
      record.writeUInt32BE(payload.length, 0);
      record.writeUInt32BE(crc32(payload), 4);
      payload.copy(record, HEADER_BYTES);
      if (this.unread + record.length > this.options.maxBytes) return 'full';
      let last = this.segments[this.segments.length - 1];
      if (!last || (last.size > 0 && last.size + record.length > this.options.segmentBytes)) {
        await this.writer?.close();
        this.writer = null;
        last = { n: (last?.n ?? 0) + 1, size: 0 };
        this.segments.push(last);
      }
      this.writer ??= await open(path.join(this.dir, segmentName(last.n)), 'a', 0o600);
      await this.writer.write(record, 0, record.length);
      await this.writer.datasync();
      last.size += record.length;
      this.unread += record.length;
      return 'ok';
    });
  }

  /** The oldest uncommitted record, or null when everything was read. Does not move the read position. */
  peek(): Promise<SpoolRecord | null> {
    return this.serialised(async () => {
      let position = { ...this.read };
      for (;;) {
        const segment = this.segments.find((s) => s.n === position.segment);
        if (!segment) {
          const next = this.segments.find((s) => s.n > position.segment);
          if (!next) return null;
          position = { segment: next.n, offset: 0 };
          continue;
        }
        if (position.offset >= segment.size) {
          const next = this.segments.find((s) => s.n > segment.n);
          if (!next) return null;
          position = { segment: next.n, offset: 0 };
          continue;
        }
        const record = await this.readRecord(segment.n, position.offset, segment.size);
        if (record) return { events: record.events, bytes: record.bytes, next: { segment: segment.n, offset: position.offset + record.bytes } };
        this.options.onCorrupt?.(`${segmentName(segment.n)} at ${position.offset}: damaged record, rest of segment skipped`);
        position = { segment: segment.n, offset: segment.size };
      }
    });
  }

  /** Marks everything before `next` as read, durably (atomic index replace), and drops read segments. */
  commit(next: SpoolPosition): Promise<void> {
    return this.serialised(async () => {
      const tmp = path.join(this.dir, `${INDEX_FILE}.tmp`);
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(next));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path.join(this.dir, INDEX_FILE));
      this.read = { ...next };
      this.recount();
      const last = this.segments[this.segments.length - 1];
      for (const segment of this.segments.filter((s) => s.n < next.segment || (s.n === next.segment && s !== last && next.offset >= s.size))) {
        await this.readers.get(segment.n)?.close();
        this.readers.delete(segment.n);
        await rm(path.join(this.dir, segmentName(segment.n)), { force: true });
      }
      this.segments = this.segments.filter((s) => !(s.n < next.segment || (s.n === next.segment && s !== last && next.offset >= s.size)));
    });
  }

  async close(): Promise<void> {
    await this.serialised(async () => {
      await this.writer?.close();
      this.writer = null;
      for (const handle of this.readers.values()) await handle.close();
      this.readers.clear();
    });
  }

  /** Closes and deletes the spool folder when nothing is left unread; true if it was removed. */
  async removeIfDrained(): Promise<boolean> {
    if (!this.isEmpty) return false;
    await this.close();
    await rm(this.dir, { recursive: true, force: true });
    return true;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async recover(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    this.segments = [];
    for (const name of names) {
      const match = SEGMENT_PATTERN.exec(name);
      if (match) this.segments.push({ n: Number(match[1]), size: (await stat(path.join(this.dir, name))).size });
    }
    this.segments.sort((a, b) => a.n - b.n);
    try {
      const index = JSON.parse(await readFile(path.join(this.dir, INDEX_FILE), 'utf8')) as SpoolPosition;
      if (Number.isInteger(index.segment) && Number.isInteger(index.offset)) this.read = index;
    } catch {
      this.read = { segment: this.segments[0]?.n ?? 1, offset: 0 };
    }
    const last = this.segments[this.segments.length - 1];
    if (last) {
      const valid = await this.validLength(last.n, last.size);
      if (valid < last.size) {
        const handle = await open(path.join(this.dir, segmentName(last.n)), 'r+');
        try {
          await handle.truncate(valid);
          await handle.sync();
        } finally {
          await handle.close();
        }
        last.size = valid;
      }
    }
    this.recount();
    await writeFile(path.join(this.dir, '.spool'), 'palisade collector spool\n').catch(() => undefined);
  }

  /** Length of the prefix of whole, intact records of a segment (what a crash may have torn is cut). */
  private async validLength(n: number, size: number): Promise<number> {
    let offset = 0;
    const handle = await open(path.join(this.dir, segmentName(n)), 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      while (offset + HEADER_BYTES <= size) {
        await handle.read(header, 0, HEADER_BYTES, offset);
        const length = header.readUInt32BE(0);
        if (length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) break;
        const payload = Buffer.alloc(length);
        await handle.read(payload, 0, length, offset + HEADER_BYTES);
        if (crc32(payload) !== header.readUInt32BE(4)) break;
        offset += HEADER_BYTES + length;
      }
    } finally {
      await handle.close();
    }
    return offset;
  }

  private async readRecord(n: number, offset: number, size: number): Promise<{ events: QueuedEvent[]; bytes: number } | null> {
    let handle = this.readers.get(n);
    if (!handle) {
      handle = await open(path.join(this.dir, segmentName(n)), 'r');
      this.readers.set(n, handle);
    }
    if (offset + HEADER_BYTES > size) return null;
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, offset);
    const length = header.readUInt32BE(0);
    if (length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > size) return null;
    const payload = Buffer.alloc(length);
    await handle.read(payload, 0, length, offset + HEADER_BYTES);
    if (crc32(payload) !== header.readUInt32BE(4)) return null;
    try {
      const rows = JSON.parse(payload.toString('utf8')) as [string, string, string][];
      return { events: rows.map(([id, key, json]) => ({ id, key, json })), bytes: HEADER_BYTES + length };
    } catch {
      return null;
    }
  }

  private recount(): void {
    let unread = 0;
    for (const segment of this.segments) {
      if (segment.n < this.read.segment) continue;
      unread += segment.n === this.read.segment ? Math.max(0, segment.size - this.read.offset) : segment.size;
    }
    this.unread = unread;
  }
}
