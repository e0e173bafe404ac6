import path from 'node:path';
import { ConfigError } from './config.error.js';
import { StoreEnvSchema } from './store-env.schema.js';

/** Name of the sqlite store file inside PALISADE_HOME. */
export const SQLITE_STORE_FILE = 'store.db';

export interface SqliteStoreConfig {
  kind: 'sqlite';
  /** PALISADE_HOME, absolute. */
  home: string;
  sqlite: { file: string; synchronous: 'normal' | 'full'; eventTextChars: number };
}

export type ElasticsearchAuth = { apiKey: string } | { username: string; password: string };

export interface ElasticsearchStoreConfig {
  kind: 'elasticsearch';
  home: string;
  elasticsearch: {
    url: string;
    auth?: ElasticsearchAuth;
    /** Path of a PEM CA certificate (ELASTICSEARCH_CA_CERT). */
    caCertFile?: string;
    indexPrefix: string;
    /** `interval`: documents become searchable within the 1 s refresh interval; `wait_for`: each write waits for it. */
    refresh: 'interval' | 'wait_for';
    replicas: number;
    eventTextChars: number;
  };
}

export type StoreConfig = SqliteStoreConfig | ElasticsearchStoreConfig;

/**
 * Reads the store configuration from environment variables (contract section 2). Throws a
 * `ConfigError` whose message is one line naming every bad or contradictory variable.
 */
export function storeConfigFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, cwd: string = process.cwd()): StoreConfig {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') present[name] = value;
  const parsed = StoreEnvSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), message: issue.message }));
  if (present['PALISADE_STORE'] === 'elasticsearch') {
    if (present['ELASTICSEARCH_URL'] === undefined) problems.unshift({ variable: 'ELASTICSEARCH_URL', message: 'PALISADE_STORE=elasticsearch needs ELASTICSEARCH_URL' });
    if (present['ELASTICSEARCH_API_KEY'] !== undefined && (present['ELASTICSEARCH_USERNAME'] ?? present['ELASTICSEARCH_PASSWORD']) !== undefined) {
      problems.push({ variable: 'ELASTICSEARCH_API_KEY', message: 'ELASTICSEARCH_API_KEY and ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD are both set: use one way to sign in' });
    } else if ((present['ELASTICSEARCH_USERNAME'] === undefined) !== (present['ELASTICSEARCH_PASSWORD'] === undefined)) {
      const missing = present['ELASTICSEARCH_USERNAME'] === undefined ? 'ELASTICSEARCH_USERNAME' : 'ELASTICSEARCH_PASSWORD';
      problems.push({ variable: missing, message: `${missing} is missing: ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together` });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems);
  }

  const data = parsed.data;
  const home = path.resolve(cwd, data.PALISADE_HOME);
  if (data.PALISADE_STORE === 'sqlite') {
    return { kind: 'sqlite', home, sqlite: { file: path.join(home, SQLITE_STORE_FILE), synchronous: data.PALISADE_STORE_SYNC, eventTextChars: data.PALISADE_STORE_TEXT_CHARS } };
  }
  const { ELASTICSEARCH_API_KEY: apiKey, ELASTICSEARCH_USERNAME: username, ELASTICSEARCH_PASSWORD: password } = data;
  const auth = apiKey !== undefined ? { apiKey } : username !== undefined && password !== undefined ? { username, password } : undefined;
  return {
    kind: 'elasticsearch',
    home,
    elasticsearch: {
      url: data.ELASTICSEARCH_URL ?? '',
      ...(auth ? { auth } : {}),
      ...(data.ELASTICSEARCH_CA_CERT ? { caCertFile: path.resolve(cwd, data.ELASTICSEARCH_CA_CERT) } : {}),
      indexPrefix: data.PALISADE_INDEX_PREFIX,
      refresh: data.PALISADE_ES_REFRESH,
      replicas: data.PALISADE_ES_REPLICAS,
      eventTextChars: data.PALISADE_STORE_TEXT_CHARS,
    },
  };
}
