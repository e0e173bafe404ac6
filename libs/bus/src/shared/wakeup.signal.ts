/**
 * Timed waits that can be cut short: a polling consumer sleeps on it while idle, and a publish in the
 * same process (or `stop()`) wakes it at once instead of waiting for the next poll.
 */
export class WakeupSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves after `ms`, or earlier when `wake()` is called. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.waiters]) done();
  }
}
