import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { storeConfigFromEnv, type ElasticsearchStoreConfig } from '../src/config/store.config.js';
import { createStore, elasticsearchClient } from '../src/create-store.js';
import { ElasticsearchStore } from '../src/elasticsearch/elasticsearch.store.js';
import { storeBehaviour } from './store.behaviour.js';

const url = process.env['ELASTICSEARCH_URL'];
if (!url) console.info('elasticsearch store suite skipped: ELASTICSEARCH_URL not set');

/**
 * The behavioural suite against a real cluster (ELASTICSEARCH_URL, with ELASTICSEARCH_API_KEY or
 * ELASTICSEARCH_USERNAME/PASSWORD when it needs them). Each test gets its own index prefix, deleted after.
 */
describe.skipIf(!url)(`${ElasticsearchStore.name} on a real cluster`, () => {
  storeBehaviour(
    async () => {
      const prefix = `palisade-test-${randomBytes(4).toString('hex')}`;
      const config = storeConfigFromEnv({ ...process.env, PALISADE_STORE: 'elasticsearch', PALISADE_INDEX_PREFIX: prefix, PALISADE_ES_REFRESH: 'wait_for', PALISADE_ES_REPLICAS: '0' }) as ElasticsearchStoreConfig;
      const client = elasticsearchClient(config);
      const store = await createStore(config, { elasticsearchClient: client });
      return {
        store,
        dispose: async () => {
          const indices = Object.keys(await client.indices.get({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }));
          if (indices.length) await client.indices.delete({ index: indices });
          await client.indices.deleteIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
          await store.close();
        },
      };
    },
    { atomicBatches: false },
  );
});
