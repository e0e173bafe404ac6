/**
 * Runs `open` again while SQLite answers SQLITE_BUSY, until `timeoutMs` has passed, pausing 10–40 ms
 * between tries (synchronously: it runs while a database is being opened, before anything else uses it).
 *
 * The busy timeout covers most lock waits, but not all: setting up a connection (journal mode, recovery of
 * a WAL left by a killed process) can answer SQLITE_BUSY at once when another process is doing the same.
 * Several collectors start together when an MCP client launches its servers, so opening must wait its
 * turn rather than fail.
 */
export function retryWhileBusy<T>(open: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return open();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 30));
    }
  }
}
