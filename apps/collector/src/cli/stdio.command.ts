import { newId } from '@palisade/schema';
import { CollectorRuntime } from '../collector.runtime.js';
import { resolveCollectorConfig } from '../config/collector-config.schema.js';
import { exitStatusOf, StdioProxy } from '../proxy/stdio.proxy.js';
import { StdioGate } from '../proxy/stdio.gate.js';
import { StdioTrafficTap } from '../proxy/stdio-traffic.tap.js';
import { busConfigFor } from '../sinks/bus.factory.js';
import { parseArgv } from './argv.parser.js';
import { COMMON_OPTIONS } from './common.options.js';
import { withDeadline } from './shutdown.deadline.js';
import { STDIO_USAGE } from './usage.text.js';

/** Most of the copies waiting to be parsed; beyond it the tap drops copies (never the relay). */
const TAP_BACKLOG_BYTES = 32 * 1024 * 1024;
/** Longest flush at exit before the collector gives up (what is left stays in the spool). */
const SHUTDOWN_DEADLINE_MS = 15_000;

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
  const config = resolveCollectorConfig('stdio', parsed.options, env, parsed.command);
  if (config.bus !== 'http') busConfigFor(config.busEnv);
  const runtime = new CollectorRuntime(config);
  const { logger, counters, clock } = runtime;
  const [command, ...args] = config.command as [string, ...string[]];
  const assembler = runtime.assembler({ sessionId: newId(), transport: 'pipe', protocolName: 'stdio', serverAddress: command });
  const tap = new StdioTrafficTap(assembler, counters, logger, clock, {
    parseLimitBytes: config.capture.parseLimitBytes,
    headBytes: config.capture.limitBytes,
    maxBacklogBytes: TAP_BACKLOG_BYTES,
  });
  runtime.addSweeper(() => tap.sweep());
  const proxy = new StdioProxy({
    command,
    args,
    env,
    cwd: process.cwd(),
    shutdownGraceMs: config.shutdownGraceMs,
    input: process.stdin,
    output: process.stdout,
    logger,
    connect: (io) => new StdioGate({ ...io, tap, policy: runtime.policy }),
    onSpawn: (pid) => logger.info({ pid, command }, 'server started'),
  });
  const exit = proxy.run();
  await runtime.start().catch((error: unknown) => logger.error({ err: error }, 'telemetry could not start: relaying without it'));
  const result = await exit;
  tap.end();
  if (result.kind === 'spawn_failed') {
    process.stderr.write(`palisade-collector: cannot start ${command}: ${result.error.message}\n`);
    await withDeadline(runtime.shutdown('server could not start'), SHUTDOWN_DEADLINE_MS);
    return result.error.code === 'ENOENT' ? 127 : 126;
  }
  await withDeadline(runtime.shutdown(`server exited (${result.code ?? result.signal})`), SHUTDOWN_DEADLINE_MS);
  return exitStatusOf(result);
}
