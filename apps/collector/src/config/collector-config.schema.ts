import path from 'node:path';
import { z } from 'zod';
import { ServerName, TELEMETRY_TOPIC } from '@palisade/schema/telemetry';
import { UsageError } from '../cli/usage.error.js';
import { parseByteSize, parseDuration } from './unit.parsers.js';

const duration = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 250ms, 2s or 1m' });
    else if (ms < min || ms > max) ctx.addIssue({ code: 'custom', message: `must be between ${min} ms and ${max} ms` });
    return ms ?? 0;
  });

const byteSize = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const bytes = parseByteSize(text);
    if (bytes === undefined) ctx.addIssue({ code: 'custom', message: 'must be a size such as 65536, 64kb or 16mb' });
    else if (bytes < min || bytes > max) ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max} bytes` });
    return bytes ?? 0;
  });

const count = (min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max) ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
    return value;
  });

const httpUrl = z.string().refine((text) => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

/** Every setting, as the text given on the command line, in the environment or by default. */
const RawCollectorSettings = z.object({
  server: z.string({ error: 'is required (the server NAME recorded on every event)' }).pipe(ServerName),
  bus: z.enum(['sqlite', 'kafka', 'http'], { error: 'must be sqlite, kafka or http' }),
  home: z.string().min(1, 'must not be empty'),
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a topic name (letters, digits, dot, underscore, dash)'),
  kafkaBrokers: z.string().optional(),
  apiUrl: httpUrl,
  ingestToken: z.string().min(1, 'must not be empty').optional(),
  captureLimit: byteSize(256, 256 * 1024),
  parseLimit: byteSize(4096, 256 * 1024 ** 2),
  flushMs: duration(5, 60_000),
  batchSize: count(1, 10_000),
  queueEvents: count(10, 10_000_000),
  queueBytes: byteSize(64 * 1024, 4 * 1024 ** 3),
  spoolMax: byteSize(1024 ** 2, 1024 ** 4),
  busTimeout: duration(50, 120_000),
  requestTimeout: duration(100, 7 * 24 * 3_600_000),
  quarantinePoll: duration(100, 60_000),
  statsInterval: duration(1000, 24 * 3_600_000),
  shutdownGrace: duration(100, 600_000),
  logFile: z.string().min(1).optional(),
  verbose: z.boolean(),
  listen: z.string().optional(),
  upstream: httpUrl.optional(),
});

export interface CaptureSettings {
  /** Bytes of each captured part (request params, response) kept as is; beyond it a truncated form. */
  limitBytes: number;
  /** Frames larger than this are not parsed: their head, size and digest are recorded. */
  parseLimitBytes: number;
}

export interface ShippingSettings {
  flushMs: number;
  batchSize: number;
  queueMaxEvents: number;
  queueMaxBytes: number;
  spoolMaxBytes: number;
  busTimeoutMs: number;
}

/** The collector's settings, validated once at start. */
export interface CollectorConfig {
  mode: 'stdio' | 'http';
  server: string;
  /** Absolute PALISADE_HOME. */
  home: string;
  bus: 'sqlite' | 'kafka' | 'http';
  topic: string;
  /** The environment the bus adapter reads, with PALISADE_BUS, PALISADE_HOME and PALISADE_TOPIC as resolved here. */
  busEnv: Record<string, string | undefined>;
  apiUrl: string;
  ingestToken: string | undefined;
  capture: CaptureSettings;
  shipping: ShippingSettings;
  requestTimeoutMs: number;
  quarantinePollMs: number;
  shutdownGraceMs: number;
  log: { verbose: boolean; file: string | undefined; statsIntervalMs: number };
  /** `stdio` mode: the server command. */
  command: string[];
  /** `http` mode. */
  listen: { host: string; port: number } | undefined;
  upstream: string | undefined;
}

type RawKey = keyof z.input<typeof RawCollectorSettings>;

interface Source {
  flag?: string;
  env?: string;
  fallback?: string;
}

/** Where each setting comes from, in order of precedence: flag, then variable, then default. */
const SOURCES: Record<Exclude<RawKey, 'verbose'>, Source> = {
  server: { flag: 'server' },
  bus: { flag: 'bus', env: 'PALISADE_BUS', fallback: 'sqlite' },
  home: { flag: 'home', env: 'PALISADE_HOME', fallback: './.palisade' },
  topic: { flag: 'topic', env: 'PALISADE_TOPIC', fallback: TELEMETRY_TOPIC },
  kafkaBrokers: { env: 'KAFKA_BROKERS' },
  apiUrl: { flag: 'api-url', env: 'PALISADE_API_URL', fallback: 'http://127.0.0.1:4000' },
  ingestToken: { env: 'PALISADE_INGEST_TOKEN' },
  captureLimit: { flag: 'capture-limit', fallback: '64kb' },
  parseLimit: { flag: 'parse-limit', fallback: '4mb' },
  flushMs: { flag: 'flush-ms', fallback: '100' },
  batchSize: { flag: 'batch-size', fallback: '500' },
  queueEvents: { flag: 'queue-events', fallback: '20000' },
  queueBytes: { flag: 'queue-bytes', fallback: '16mb' },
  spoolMax: { flag: 'spool-max', fallback: '256mb' },
  busTimeout: { flag: 'bus-timeout', fallback: '2s' },
  requestTimeout: { flag: 'request-timeout', fallback: '60s' },
  quarantinePoll: { flag: 'quarantine-poll', fallback: '1s' },
  statsInterval: { flag: 'stats-interval', fallback: '30s' },
  shutdownGrace: { flag: 'shutdown-grace', fallback: '5s' },
  logFile: { flag: 'log-file' },
  listen: { flag: 'listen' },
  upstream: { flag: 'upstream' },
};

function label(key: string): string {
  if (key === 'verbose') return '--verbose';
  const source = SOURCES[key as Exclude<RawKey, 'verbose'>];
  const names = [source?.flag ? `--${source.flag}` : undefined, source?.env].filter(Boolean);
  return names.join(' / ') || key;
}

function parseListen(text: string | undefined): { host: string; port: number } {
  const value = text ?? '127.0.0.1:0';
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65535) throw new UsageError(`--listen "${value}": must be HOST:PORT or PORT`);
  const host = (match[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  return { host, port };
}

/**
 * Validates the flags and the environment into one typed config. Every bad setting is reported in one line
 * naming the flag or variable; the first problem stops the collector (exit status 2).
 */
export function resolveCollectorConfig(
  mode: 'stdio' | 'http',
  flags: Record<string, string | boolean>,
  env: Record<string, string | undefined>,
  command: string[] = [],
  cwd: string = process.cwd(),
): CollectorConfig {
  const raw: Record<string, unknown> = { verbose: flags['verbose'] === true };
  for (const [key, source] of Object.entries(SOURCES)) {
    const fromFlag = source.flag ? flags[source.flag] : undefined;
    const fromEnv = source.env ? env[source.env] : undefined;
    const value = typeof fromFlag === 'string' ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : source.fallback;
    if (value !== undefined) raw[key] = value;
  }
  const parsed = RawCollectorSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const given = raw[key];
    const shown = key === 'ingestToken' || typeof given !== 'string' ? '' : ` "${given}"`;
    throw new UsageError(`${label(key)}${shown}: ${issue?.message ?? 'is invalid'}`);
  }
  const s = parsed.data;
  if (s.bus === 'http' && !s.ingestToken) throw new UsageError('PALISADE_INGEST_TOKEN: is required with --bus http (a token of role collector)');
  if (s.bus === 'kafka' && !s.kafkaBrokers?.trim()) throw new UsageError('KAFKA_BROKERS: is required when the bus is kafka (comma-separated host:port)');
  if (s.parseLimit < s.captureLimit) throw new UsageError(`--parse-limit: must not be smaller than --capture-limit (${s.captureLimit} bytes)`);
  if (mode === 'stdio' && command.length === 0) throw new UsageError('missing the server command: palisade-collector stdio --server NAME -- COMMAND [ARGS...]');
  if (mode === 'http' && !s.upstream) throw new UsageError('--upstream: is required (the URL of the MCP server, e.g. http://127.0.0.1:3001/mcp)');
  if (mode === 'stdio' && (s.listen || s.upstream)) throw new UsageError('--listen and --upstream belong to the http command, not stdio');
  const home = path.resolve(cwd, s.home);
  return {
    mode,
    server: s.server,
    home,
    bus: s.bus,
    topic: s.topic,
    busEnv: { ...env, PALISADE_BUS: s.bus === 'http' ? 'sqlite' : s.bus, PALISADE_HOME: home, PALISADE_TOPIC: s.topic },
    apiUrl: s.apiUrl.replace(/\/+$/, ''),
    ingestToken: s.ingestToken,
    capture: { limitBytes: s.captureLimit, parseLimitBytes: s.parseLimit },
    shipping: {
      flushMs: s.flushMs,
      batchSize: s.batchSize,
      queueMaxEvents: s.queueEvents,
      queueMaxBytes: s.queueBytes,
      spoolMaxBytes: s.spoolMax,
      busTimeoutMs: s.busTimeout,
    },
    requestTimeoutMs: s.requestTimeout,
    quarantinePollMs: s.quarantinePoll,
    shutdownGraceMs: s.shutdownGrace,
    log: { verbose: s.verbose, file: s.logFile ? path.resolve(cwd, s.logFile) : undefined, statsIntervalMs: s.statsInterval },
    command,
    listen: mode === 'http' ? parseListen(s.listen) : undefined,
    upstream: s.upstream,
  };
}
