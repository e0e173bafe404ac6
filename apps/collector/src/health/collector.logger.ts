import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /** Log to stderr. */
  verbose: boolean;
  /** Log to this file (appended), whatever `verbose` says. */
  logFile?: string | undefined;
  /** Shown on every line. */
  collectorId: string;
  server: string;
}

/** Header names and keys whose values must never reach a log line. */
const REDACTED_PATHS = ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', 'ingestToken', 'headers.cookie'];

/**
 * The collector's logger. Stdout belongs to JSON-RPC, so logs go to stderr (`--verbose`) and/or a file
 * (`--log-file`); with neither, the collector is silent. It runs in the telemetry worker, so its writes
 * are synchronous (nothing is lost at exit) without ever holding up the relay thread.
 */
export function createCollectorLogger(options: LoggerOptions): Logger {
  const streams: { stream: pino.DestinationStream; level: pino.Level }[] = [];
  if (options.verbose) streams.push({ level: 'debug', stream: pino.destination({ fd: 2, sync: true }) });
  if (options.logFile) streams.push({ level: options.verbose ? 'debug' : 'info', stream: pino.destination({ dest: options.logFile, mkdir: true, append: true, sync: true }) });
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino(
    {
      level: options.verbose ? 'debug' : 'info',
      base: { collector: options.collectorId, server: options.server },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    pino.multistream(streams),
  );
}
