import { type Bus } from './bus.port.js';
import { type BusConfig } from './config/bus.config.js';
import { type KafkaClientLike } from './kafka/kafka-client.port.js';
import { KafkaBus } from './kafka/kafka.bus.js';
import { type BusLogger } from './shared/bus.logger.js';
import { SqliteBus } from './sqlite/sqlite.bus.js';

/** What an application may pass besides the configuration: where logs go, a Kafka client in tests. */
export interface CreateBusOptions {
  logger?: BusLogger;
  kafkaClient?: KafkaClientLike;
}

/** The adapter the configuration names (see `busConfigFromEnv`). */
export function createBus(config: BusConfig, options: CreateBusOptions = {}): Bus {
  const logger = options.logger ? { logger: options.logger } : {};
  switch (config.kind) {
    case 'sqlite':
      return new SqliteBus({ file: config.sqlite.file, synchronous: config.sqlite.synchronous, retention: config.sqlite.retention, ...logger });
    case 'kafka':
      return new KafkaBus({ ...config.kafka, ...logger, ...(options.kafkaClient ? { client: options.kafkaClient } : {}) });
  }
}
