import path from 'node:path';
import { BusEnvSchema } from './bus-env.schema.js';
import { ConfigError, type ConfigProblem } from './config.error.js';

interface CommonBusConfig {
  /** PALISADE_HOME, absolute. */
  home: string;
  /** Telemetry topic (PALISADE_TOPIC). */
  topic: string;
}

export interface SqliteBusConfig extends CommonBusConfig {
  kind: 'sqlite';
  sqlite: {
    file: string;
    synchronous: 'normal' | 'full';
    /** `Infinity` when switched off. */
    retention: { maxAgeMs: number; maxBytes: number };
  };
}

export interface KafkaSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaBusConfig extends CommonBusConfig {
  kind: 'kafka';
  kafka: {
    brokers: string[];
    clientId: string;
    partitions: number;
    /** Undefined: the brokers' `default.replication.factor`. */
    replicationFactor?: number;
    ssl: boolean;
    sasl?: KafkaSaslConfig;
  };
}

export type BusConfig = SqliteBusConfig | KafkaBusConfig;

/** Name of the sqlite bus file inside PALISADE_HOME. */
export const SQLITE_BUS_FILE = 'bus.db';

/**
 * Reads the bus configuration from environment variables (contract section 2). Throws a `ConfigError`
 * whose message is one line naming every bad or contradictory variable.
 */
export function busConfigFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): BusConfig {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') present[name] = value;
  const parsed = BusEnvSchema.safeParse(present);
  const problems: ConfigProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message }));
  const bus = parsed.success ? parsed.data.PALISADE_BUS : present.PALISADE_BUS;
  if (bus === 'kafka') {
    if (present.KAFKA_BROKERS === undefined) {
      problems.unshift({ variable: 'KAFKA_BROKERS', message: 'PALISADE_BUS=kafka needs KAFKA_BROKERS (comma-separated host:port list)' });
    }
    const sasl = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
    const given = sasl.filter((name) => present[name] !== undefined);
    if (given.length > 0 && given.length < sasl.length) {
      const missing = sasl.filter((name) => present[name] === undefined);
      problems.push({ variable: missing[0] as string, message: `${given.join(' and ')} set without ${missing.join(' and ')}: Kafka SASL needs all three` });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const data = parsed.data;
  const home = path.resolve(cwd, data.PALISADE_HOME);
  if (data.PALISADE_BUS === 'kafka') {
    const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = data;
    return {
      kind: 'kafka',
      home,
      topic: data.PALISADE_TOPIC,
      kafka: {
        brokers: data.KAFKA_BROKERS ?? [],
        clientId: data.KAFKA_CLIENT_ID,
        partitions: data.KAFKA_PARTITIONS,
        ...(data.KAFKA_REPLICATION_FACTOR === undefined ? {} : { replicationFactor: data.KAFKA_REPLICATION_FACTOR }),
        ssl: data.KAFKA_SSL,
        ...(mechanism && username !== undefined && password !== undefined ? { sasl: { mechanism, username, password } } : {}),
      },
    };
  }
  return {
    kind: 'sqlite',
    home,
    topic: data.PALISADE_TOPIC,
    sqlite: {
      file: path.join(home, SQLITE_BUS_FILE),
      synchronous: data.PALISADE_BUS_SYNC,
      retention: {
        maxAgeMs: data.PALISADE_BUS_RETENTION_HOURS === 0 ? Number.POSITIVE_INFINITY : data.PALISADE_BUS_RETENTION_HOURS * 3_600_000,
        maxBytes: data.PALISADE_BUS_MAX_MB === 0 ? Number.POSITIVE_INFINITY : data.PALISADE_BUS_MAX_MB * 1024 * 1024,
      },
    },
  };
}
