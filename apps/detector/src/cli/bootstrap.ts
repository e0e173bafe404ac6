import { type Bus, type BusLogger, busConfigFromEnv, createBus, stderrBusLogger } from '@palisade/bus';
import { ConfigError, prepareDataHome } from '@palisade/schema';
import { type Store, type StoreConfig, StoreError, StoreErrorCode, createStore, storeConfigFromEnv } from '@palisade/store';
import { type DetectorConfig, loadDetectorConfig } from '../config/detector-config.js';

export interface Infrastructure {
  config: DetectorConfig;
  store: Store;
  bus: Bus;
}

/**
 * The bus's reports, held back until the bus has answered once: the Kafka client retrying brokers that
 * never answer would otherwise print a dozen lines before the one that names KAFKA_BROKERS. Once the bus
 * is reached they go to stderr as usual; held ones are dropped (or shown at PALISADE_LOG_LEVEL=debug).
 */
class StartupBusLogger implements BusLogger {
  private held: (() => void)[] | null = [];

  warn(message: string, fields?: Record<string, unknown>): void {
    this.report(() => stderrBusLogger.warn(message, fields));
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.report(() => stderrBusLogger.error(message, fields));
  }

  /** The bus answered: from now on every report is written. */
  reached(): void {
    this.held = null;
  }

  /** Writes what was held back (debug). */
  flushHeld(): void {
    for (const write of this.held ?? []) write();
    this.held = [];
  }

  private report(write: () => void): void {
    if (this.held) this.held.push(write);
    else write();
  }
}

/** An http(s) URL as it may be shown: without the user and password it may carry. */
function withoutCredentials(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '(not a URL)';
  }
}

/** Opens the store; a cluster that does not answer is the one line naming ELASTICSEARCH_URL. */
async function openStore(storeConfig: StoreConfig): Promise<Store> {
  try {
    return await createStore(storeConfig);
  } catch (error) {
    if (storeConfig.kind === 'elasticsearch' && error instanceof StoreError && error.code === StoreErrorCode.Unavailable) {
      throw ConfigError.of('ELASTICSEARCH_URL', `ELASTICSEARCH_URL=${withoutCredentials(storeConfig.elasticsearch.url)}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Parses every setting first (a bad one stops the program with one line naming it), then opens the
 * store (migrations / index templates) and the bus.
 */
export async function openInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  const config = loadDetectorConfig(env);
  const busConfig = busConfigFromEnv(env);
  const storeConfig = storeConfigFromEnv(env);
  prepareDataHome(config.home);
  const store = await openStore(storeConfig);
  const logger = new StartupBusLogger();
  const bus = createBus(busConfig, { logger });
  try {
    await bus.ensureTopics([config.topic, 'mcp.control']);
  } catch (error) {
    if (config.logLevel === 'debug' || config.logLevel === 'trace') logger.flushHeld();
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    if (busConfig.kind !== 'kafka') throw error;
    throw ConfigError.of('KAFKA_BROKERS', `KAFKA_BROKERS=${busConfig.kafka.brokers.join(',')}: the topics could not be checked or created there: ${(error as Error).message}`);
  }
  logger.reached();
  return { config, store, bus };
}
