import { busConfigFromEnv, ConfigError, createBus, SqliteBus, type Bus, type BusConfig, type BusLogger } from '@palisade/bus';
import type { Logger } from 'pino';
import { UsageError } from '../cli/usage.error.js';

/** How long a sqlite publish may wait for another process's write lock before the batch is spooled. */
const SQLITE_BUSY_TIMEOUT_MS = 100;
/**
 * The collector only appends to the bus: a small page cache is enough, where the default (sized for
 * consumers reading back) grew the collector's resident memory by up to 16 MB over a session.
 */
const SQLITE_CACHE_KIB = 512;

/** Reads the bus settings from the (resolved) environment; a bad one is a usage error naming the variable. */
export function busConfigFor(env: Record<string, string | undefined>, cwd = process.cwd()): BusConfig {
  try {
    return busConfigFromEnv(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.variables[0] ?? 'bus'}: ${error.message}`);
    throw error;
  }
}

/**
 * Opens the bus for a collector. On sqlite the collector never runs retention (the detector does),
 * keeps a small page cache and waits at most 100 ms for the write lock: a busy bus sends the batch to
 * the spool instead of holding the telemetry thread.
 */
export function openCollectorBus(config: BusConfig, logger: Logger): Bus {
  const busLogger: BusLogger = {
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
  if (config.kind === 'sqlite') {
    return new SqliteBus({
      file: config.sqlite.file,
      synchronous: config.sqlite.synchronous,
      retention: { ...config.sqlite.retention, intervalMs: 0 },
      busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
      cacheKib: SQLITE_CACHE_KIB,
      logger: busLogger,
    });
  }
  return createBus(config, { logger: busLogger });
}
