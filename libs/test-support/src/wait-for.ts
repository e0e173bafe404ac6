export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Output of the processes involved, appended (its end) to the timeout error. */
  logs?: () => string;
  /** Fails at once, with this reason, when it returns one (e.g. the process waited on has exited). */
  abort?: () => string | undefined;
}

/**
 * Polls `check` until it returns a value (not undefined, null or false). A check that throws counts as
 * not yet; after `timeoutMs` (30 s) the error names `what`, the last error and the logs.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, logs, abort } = options;
  const deadline = Date.now() + timeoutMs;
  const tail = () => (logs ? `\n${logs().slice(-3000)}` : '');
  let last: unknown;
  for (;;) {
    const aborted = abort?.();
    if (aborted) throw new Error(`${aborted} while waiting for ${what}${tail()}`);
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}${tail()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
