interface Task {
  run: () => void;
  bytes: number;
}

/** Longest stretch of queued work run in one turn of the event loop before yielding to I/O. */
const SLICE_MS = 3;

/**
 * Work deferred off the relay path: the relay forwards a chunk, then enqueues the parsing of its copy here
 * (O(1) on the hot path). Tasks run in order on `setImmediate`, in slices of a few milliseconds, so the
 * relay's next chunk is never kept waiting for long. The backlog is bounded by bytes: past the bound the
 * queued work is dropped and `onOverflow` lets the owner resynchronise (the relay itself is untouched).
 */
export class OffPathQueue {
  private tasks: Task[] = [];
  private head = 0;
  private bytes = 0;
  private scheduled = false;

  constructor(
    private readonly maxBacklogBytes: number,
    private readonly onOverflow: (droppedTasks: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  get backlogBytes(): number {
    return this.bytes;
  }

  /** Queues `run`; false when the backlog overflowed (everything queued was dropped, this task too). */
  enqueue(run: () => void, bytes: number): boolean {
    if (this.bytes + bytes > this.maxBacklogBytes) {
      const dropped = this.tasks.length - this.head + 1;
      this.tasks = [];
      this.head = 0;
      this.bytes = 0;
      this.onOverflow(dropped);
      return false;
    }
    this.tasks.push({ run, bytes });
    this.bytes += bytes;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
    return true;
  }

  /** Runs everything queued now (shutdown). */
  drainNow(): void {
    while (this.head < this.tasks.length) this.runNext();
    this.tasks = [];
    this.head = 0;
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const start = performance.now();
    while (this.head < this.tasks.length) {
      this.runNext();
      if (performance.now() - start > SLICE_MS) break;
    }
    if (this.head >= this.tasks.length) {
      this.tasks = [];
      this.head = 0;
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  };

  private runNext(): void {
    const task = this.tasks[this.head] as Task;
    this.tasks[this.head] = undefined as unknown as Task;
    this.head += 1;
    this.bytes -= task.bytes;
    try {
      task.run();
    } catch (error) {
      this.onError(error);
    }
  }
}
