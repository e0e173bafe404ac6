import { UsageError } from './usage.error.js';

export async function runHttpCommand(_argv: readonly string[], _env: NodeJS.ProcessEnv): Promise<number> {
  throw new UsageError('http: not yet');
}
