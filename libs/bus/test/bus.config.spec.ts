import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { busConfigFromEnv, ConfigError, createBus, KafkaBus, SqliteBus, silentBusLogger } from '../src/index.js';
import { tempHome } from './temp-home.js';

function problem(env: Record<string, string>): ConfigError {
  try {
    busConfigFromEnv(env, '/srv/palisade');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe(busConfigFromEnv.name, () => {
  it('defaults to the sqlite bus in ./.palisade, resolved to an absolute path', () => {
    expect(busConfigFromEnv({}, '/srv/palisade')).toEqual({
      kind: 'sqlite',
      home: '/srv/palisade/.palisade',
      topic: 'mcp.telemetry',
      sqlite: { file: '/srv/palisade/.palisade/bus.db', synchronous: 'normal', retention: { maxAgeMs: 168 * 3_600_000, maxBytes: 1024 ** 3 } },
    });
  });

  it('reads the sqlite tuning and treats empty values as unset', () => {
    const config = busConfigFromEnv(
      { PALISADE_HOME: 'data', PALISADE_BUS: '', PALISADE_BUS_SYNC: 'full', PALISADE_BUS_RETENTION_HOURS: '0', PALISADE_BUS_MAX_MB: '64', PALISADE_TOPIC: 'acme.mcp' },
      '/srv',
    );
    expect(config).toEqual({
      kind: 'sqlite',
      home: '/srv/data',
      topic: 'acme.mcp',
      sqlite: { file: path.join('/srv/data', 'bus.db'), synchronous: 'full', retention: { maxAgeMs: Number.POSITIVE_INFINITY, maxBytes: 64 * 1024 * 1024 } },
    });
  });

  it('reads a full kafka configuration', () => {
    const config = busConfigFromEnv({
      PALISADE_BUS: 'kafka',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2.internal:9093,[::1]:9094',
      KAFKA_CLIENT_ID: 'palisade-prod',
      KAFKA_PARTITIONS: '12',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'palisade',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(config).toMatchObject({
      kind: 'kafka',
      topic: 'mcp.telemetry',
      kafka: {
        brokers: ['kafka-1:9092', 'kafka-2.internal:9093', '[::1]:9094'],
        clientId: 'palisade-prod',
        partitions: 12,
        replicationFactor: 3,
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'palisade', password: 's3cret' },
      },
    });
  });

  it('stops on kafka without brokers with one line naming the variable', () => {
    const error = problem({ PALISADE_BUS: 'kafka' });
    expect(error.message).toBe('PALISADE_BUS=kafka needs KAFKA_BROKERS (comma-separated host:port list)');
    expect(error.variables).toEqual(['KAFKA_BROKERS']);
    expect(error.code).toBe('PALISADE_CONFIG_INVALID');
  });

  it.each([
    [{ PALISADE_BUS: 'rabbitmq' }, 'PALISADE_BUS must be sqlite or kafka (got "rabbitmq")'],
    [{ PALISADE_BUS: 'kafka', KAFKA_BROKERS: 'kafka-1,kafka-2:99999' }, 'KAFKA_BROKERS must be a comma-separated host:port list (bad: "kafka-1", "kafka-2:99999")'],
    [{ PALISADE_BUS: 'kafka', KAFKA_BROKERS: 'k:9092', KAFKA_PARTITIONS: 'many' }, 'KAFKA_PARTITIONS must be a whole number from 1 to 10000 (got "many")'],
    [{ PALISADE_BUS: 'kafka', KAFKA_BROKERS: 'k:9092', KAFKA_SSL: 'maybe' }, 'KAFKA_SSL must be true or false (got "maybe")'],
    [{ PALISADE_TOPIC: 'mcp.control' }, 'PALISADE_TOPIC must not be mcp.control, which carries quarantine decisions'],
    [{ PALISADE_TOPIC: 'bad topic' }, `PALISADE_TOPIC: topic "bad topic" must be 1-249 characters of letters, digits, '.', '_' or '-'`],
    [{ PALISADE_BUS_SYNC: 'off' }, 'PALISADE_BUS_SYNC must be normal or full (got "off")'],
    [{ PALISADE_BUS_MAX_MB: '-5' }, 'PALISADE_BUS_MAX_MB must be a whole number from 0 to 10485760 MB (got "-5")'],
  ])('stops on %j with one clear line', (env, message) => {
    const error = problem(env);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('names every bad variable at once, on one line', () => {
    const error = problem({ PALISADE_BUS: 'kafka', KAFKA_PARTITIONS: '0', PALISADE_BUS_SYNC: 'sometimes' });
    expect(error.variables).toEqual(['KAFKA_BROKERS', 'PALISADE_BUS_SYNC', 'KAFKA_PARTITIONS']);
    expect(error.message.split('; ')).toHaveLength(3);
    expect(error.message).not.toContain('\n');
  });

  it('rejects half a SASL setup without ever printing the password', () => {
    const error = problem({ PALISADE_BUS: 'kafka', KAFKA_BROKERS: 'k:9092', KAFKA_SASL_USERNAME: 'palisade', KAFKA_SASL_PASSWORD: 'hunter2-very-secret' });
    expect(error.message).toBe('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD set without KAFKA_SASL_MECHANISM: Kafka SASL needs all three');
    expect(error.message).not.toContain('hunter2');
  });
});

describe(createBus.name, () => {
  it('opens the sqlite bus in PALISADE_HOME by default', async () => {
    const home = tempHome();
    const bus = createBus(busConfigFromEnv({ PALISADE_HOME: home.dir }), { logger: silentBusLogger });
    expect(bus).toBeInstanceOf(SqliteBus);
    expect((bus as SqliteBus).file).toBe(path.join(home.dir, 'bus.db'));
    await bus.close();
    home.remove();
  });

  it('builds the kafka bus from its configuration without connecting', async () => {
    const bus = createBus(busConfigFromEnv({ PALISADE_BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:1' }), { logger: silentBusLogger });
    expect(bus).toBeInstanceOf(KafkaBus);
    expect(bus.kind).toBe('kafka');
    await bus.close();
  });
});
