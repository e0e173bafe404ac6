import { COLLECTOR_VERSION } from '../collector.version.js';
import { UsageError } from './usage.error.js';
import { MAIN_USAGE } from './usage.text.js';

/**
 * The `palisade-collector` command line: dispatches to `stdio` or `http`. A usage error is one line on
 * stderr naming the problem, exit status 2.
 */
export async function runCollectorCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        // Asked for: stdout. Missing command: a usage error, so stderr (stdout may be an MCP client's pipe).
        (command === undefined ? process.stderr : process.stdout).write(MAIN_USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-V':
        process.stdout.write(`${COLLECTOR_VERSION}\n`);
        return 0;
      // Each command loads only what it uses (the stdio relay never loads the HTTP stack).
      case 'stdio':
        return await (await import('./stdio.command.js')).runStdioCommand(rest, env);
      case 'http':
        return await (await import('./http.command.js')).runHttpCommand(rest, env);
      default:
        throw new UsageError(`unknown command "${command}" (expected stdio or http; see --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`palisade-collector: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
