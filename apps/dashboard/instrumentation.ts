// Runs once when the server starts: a bad setting stops it with one line naming the variable.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation-node');
}
