import { TelemetryLink } from '../pipeline/telemetry.link.js';
import { ChannelTap } from '../proxy/relay.tap.js';
import { StdioGate } from '../proxy/stdio.gate.js';
import { exitStatusOf, StdioProxy, type ServerExit } from '../proxy/stdio.proxy.js';
import { QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import { parseArgv } from './argv.parser.js';
import { COMMON_OPTIONS } from './common.options.js';
import { TELEMETRY_LINK_OPTIONS, SHUTDOWN_DEADLINE_MS } from './telemetry.defaults.js';
import { STDIO_USAGE } from './usage.text.js';

/**
 * `palisade-collector stdio --server NAME [options] -- COMMAND [ARGS...]`: runs the server behind the
 * stdio relay until it exits, then flushes telemetry and returns the server's exit status.
 */
export async function runStdioCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseArgv(argv, COMMON_OPTIONS, { commandAfterPositional: true });
  if (parsed.options['help']) {
    process.stdout.write(STDIO_USAGE);
    return 0;
  }
  const link = new TelemetryLink({ mode: 'stdio', flags: parsed.options, env, command: parsed.command, cwd: process.cwd() }, TELEMETRY_LINK_OPTIONS, (error) =>
    process.stderr.write(`palisade-collector: telemetry stopped (the relay goes on): ${error.message}\n`),
  );
  // Every setting is checked (in the worker) before anything starts; a bad one is a usage error.
  const config = await link.configured.catch(async (error: unknown) => {
    await link.shutdown('bad settings', 1000);
    throw error;
  });
  const [command, ...args] = config.command as [string, ...string[]];
  const tap = new ChannelTap(link, link.channel());
  tap.open({ kind: 'stdio', serverAddress: command });
  const proxy = new StdioProxy({
    command,
    args,
    env,
    cwd: process.cwd(),
    shutdownGraceMs: config.shutdownGraceMs,
    input: process.stdin,
    output: process.stdout,
    log: (level, message, fields) => link.log(level, message, fields),
    connect: (io) => new StdioGate({ ...io, tap, policy: new QuarantinePolicy(link.registry), log: (level, message, fields) => link.log(level, message, fields) }),
  });
  const result: ServerExit = await proxy.run();
  tap.close();
  if (result.kind === 'spawn_failed') {
    process.stderr.write(`palisade-collector: cannot start ${command}: ${result.error.message}\n`);
    await link.shutdown('server could not start', SHUTDOWN_DEADLINE_MS);
    return result.error.code === 'ENOENT' ? 127 : 126;
  }
  await link.shutdown(`server exited (${result.code ?? result.signal})`, SHUTDOWN_DEADLINE_MS);
  return exitStatusOf(result);
}
