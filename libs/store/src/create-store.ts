import { Client } from '@elastic/elasticsearch';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config/config.error.js';
import type { ElasticsearchStoreConfig, StoreConfig } from './config/store.config.js';
import { ElasticsearchStore } from './elasticsearch/elasticsearch.store.js';
import type { RetryPolicy } from './elasticsearch/retry.policy.js';
import { SqliteStore } from './sqlite/sqlite.store.js';
import type { Store } from './store.port.js';

/** What an application may pass besides the configuration: an Elasticsearch client (tests), retry timing. */
export interface CreateStoreOptions {
  elasticsearchClient?: Client;
  retry?: Partial<RetryPolicy>;
}

/**
 * The adapter the configuration names (see `storeConfigFromEnv`), ready to use: sqlite migrated,
 * Elasticsearch reachable with its index templates installed.
 */
export async function createStore(config: StoreConfig, options: CreateStoreOptions = {}): Promise<Store> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteStore.open({ file: config.sqlite.file, synchronous: config.sqlite.synchronous, eventTextChars: config.sqlite.eventTextChars });
    case 'elasticsearch': {
      const es = config.elasticsearch;
      return ElasticsearchStore.connect(options.elasticsearchClient ?? elasticsearchClient(config), {
        indexPrefix: es.indexPrefix,
        refresh: es.refresh,
        replicas: es.replicas,
        eventTextChars: es.eventTextChars,
        ...(options.retry ? { retry: options.retry } : {}),
      });
    }
  }
}

/** The client for a configuration: retries are the store's (backoff on 429/503), so the client makes none. */
export function elasticsearchClient(config: ElasticsearchStoreConfig): Client {
  const es = config.elasticsearch;
  let ca: string | undefined;
  if (es.caCertFile) {
    try {
      ca = readFileSync(es.caCertFile, 'utf8');
    } catch (error) {
      throw ConfigError.of('ELASTICSEARCH_CA_CERT', `ELASTICSEARCH_CA_CERT=${JSON.stringify(es.caCertFile)} cannot be read: ${(error as Error).message}`);
    }
  }
  const options: ConstructorParameters<typeof Client>[0] = {
    node: es.url,
    maxRetries: 0,
    requestTimeout: 30_000,
    compression: true,
    ...(es.auth ? { auth: es.auth } : {}),
    ...(ca ? { tls: { ca } } : {}),
  };
  return new Client(options);
}
