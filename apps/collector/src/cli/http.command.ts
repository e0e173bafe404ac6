import { TelemetryLink } from '../pipeline/telemetry.link.js';
import { HttpProxy } from '../proxy/http.proxy.js';
import { shownUpstream } from '../sinks/operator-notice.js';
import { QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import { parseArgv } from './argv.parser.js';
import { COMMON_OPTIONS } from './common.options.js';
import { SHUTDOWN_DEADLINE_MS, TELEMETRY_LINK_OPTIONS } from './telemetry.defaults.js';
import { UsageError } from './usage.error.js';
import { HTTP_USAGE } from './usage.text.js';

const HTTP_OPTIONS = { ...COMMON_OPTIONS, listen: { kind: 'value' as const }, upstream: { kind: 'value' as const } };

/**
 * `palisade-collector http --server NAME --upstream URL [--listen HOST:PORT]`: runs the reverse proxy
 * until SIGINT or SIGTERM, then closes it, flushes telemetry and exits 0.
 */
export async function runHttpCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseArgv(argv, HTTP_OPTIONS);
  if (parsed.options['help']) {
    process.stdout.write(HTTP_USAGE);
    return 0;
  }
  if (parsed.positionals.length > 0 || parsed.command.length > 0) throw new UsageError(`unexpected argument "${[...parsed.positionals, ...parsed.command][0]}" (the http command takes options only)`);
  const link = new TelemetryLink({ mode: 'http', flags: parsed.options, env, command: [], cwd: process.cwd() }, TELEMETRY_LINK_OPTIONS, (error) =>
    process.stderr.write(`palisade-collector: telemetry stopped (the proxy goes on): ${error.message}\n`),
  );
  const config = await link.configured.catch(async (error: unknown) => {
    await link.shutdown('bad settings', 1000);
    throw error;
  });
  const listen = config.listen ?? { host: '127.0.0.1', port: 0 };
  const proxy = new HttpProxy({
    upstream: new URL(config.upstream ?? ''),
    listen,
    link,
    policy: new QuarantinePolicy(link.registry),
    parseLimitBytes: config.capture.parseLimitBytes,
    log: (level, message, fields) => link.log(level, message, fields),
  });
  const address = await proxy.listen().catch(async (error: NodeJS.ErrnoException) => {
    await link.shutdown('cannot listen', SHUTDOWN_DEADLINE_MS);
    throw new UsageError(`--listen ${listen.host}:${listen.port}: cannot listen (${error.code ?? error.message})`);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // Paths go through unchanged, so the client uses the upstream's path on the collector: say which URL.
  const clientUrl = `http://${host}:${address.port}${config.upstream ? new URL(config.upstream).pathname : '/'}`;
  process.stderr.write(`palisade-collector: listening on http://${host}:${address.port} → ${shownUpstream(config.upstream ?? '')} (client URL: ${clientUrl})\n`);
  link.log('info', 'http proxy listening', { listen: `${host}:${address.port}`, upstream: shownUpstream(config.upstream ?? '') });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  link.log('info', 'signal received: stopping the proxy', { signal });
  await proxy.close(2000);
  await link.shutdown(`stopped by ${signal}`, SHUTDOWN_DEADLINE_MS);
  return 0;
}
