import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config.error.js';
import { storeConfigFromEnv } from '../src/config/store.config.js';
import { createStore } from '../src/create-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function failure(env: Record<string, string>): ConfigError {
  try {
    storeConfigFromEnv(env, '/srv/palisade');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(storeConfigFromEnv.name, () => {
  it('defaults to sqlite in ./.palisade, made absolute', () => {
    expect(storeConfigFromEnv({}, '/srv/palisade')).toEqual({
      kind: 'sqlite',
      home: '/srv/palisade/.palisade',
      sqlite: { file: '/srv/palisade/.palisade/store.db', synchronous: 'normal', eventTextChars: 16_384 },
    });
    expect(storeConfigFromEnv({ PALISADE_HOME: 'data', PALISADE_STORE_SYNC: 'full', PALISADE_STORE: ' ' }, '/srv/palisade')).toMatchObject({
      kind: 'sqlite',
      home: '/srv/palisade/data',
      sqlite: { synchronous: 'full' },
    });
  });

  it('reads the elasticsearch settings', () => {
    expect(
      storeConfigFromEnv({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'https://es.internal:9200', ELASTICSEARCH_API_KEY: 'a2V5', PALISADE_INDEX_PREFIX: 'soc1', ELASTICSEARCH_CA_CERT: 'certs/ca.pem' }, '/srv/palisade'),
    ).toEqual({
      kind: 'elasticsearch',
      home: '/srv/palisade/.palisade',
      elasticsearch: {
        url: 'https://es.internal:9200',
        auth: { apiKey: 'a2V5' },
        caCertFile: '/srv/palisade/certs/ca.pem',
        indexPrefix: 'soc1',
        refresh: 'interval',
        replicas: 1,
        eventTextChars: 16_384,
      },
    });
    expect(storeConfigFromEnv({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'http://localhost:9200', ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_PASSWORD: 'pw' })).toMatchObject({
      elasticsearch: { auth: { username: 'elastic', password: 'pw' }, indexPrefix: 'palisade' },
    });
  });

  it('names the variable in one line when a setting is missing, bad or contradictory', () => {
    expect(failure({ PALISADE_STORE: 'elasticsearch' }).message).toBe('PALISADE_STORE=elasticsearch needs ELASTICSEARCH_URL');
    expect(failure({ PALISADE_STORE: 'postgres' }).message).toBe('PALISADE_STORE must be sqlite or elasticsearch (got "postgres")');
    expect(failure({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'ftp://x' }).message).toBe('ELASTICSEARCH_URL must be an http(s) URL (got "ftp://x")');
    expect(failure({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'http://localhost:9200', ELASTICSEARCH_USERNAME: 'elastic' }).message).toBe(
      'ELASTICSEARCH_PASSWORD is missing: ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together',
    );
    const both = failure({ PALISADE_STORE: 'elasticsearch', PALISADE_INDEX_PREFIX: 'Bad_Prefix', PALISADE_STORE_TEXT_CHARS: '12' });
    expect(both.variables).toEqual(['ELASTICSEARCH_URL', 'PALISADE_STORE_TEXT_CHARS', 'PALISADE_INDEX_PREFIX']);
    expect(both.message.split('\n')).toHaveLength(1);
  });

  it('never shows a secret in its message', () => {
    const secretUrl = failure({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'ftp://elastic:hunter2@es.internal' });
    expect(secretUrl.message).not.toContain('hunter2');
    const apiKey = failure({ PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: 'http://x:9200', ELASTICSEARCH_API_KEY: 'c2VjcmV0LWtleQ==', ELASTICSEARCH_USERNAME: 'u', ELASTICSEARCH_PASSWORD: 'hunter2' });
    expect(apiKey.message).toBe('ELASTICSEARCH_API_KEY and ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD are both set: use one way to sign in');
  });
});

describe(createStore.name, () => {
  it('opens the sqlite store the configuration names, in PALISADE_HOME', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-config-'));
    try {
      const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
      expect(store.kind).toBe('sqlite');
      await store.settings.put('install', { ok: true });
      await store.close();
      const reopened = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
      expect(await reopened.settings.get('install')).toEqual({ ok: true });
      await reopened.close();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
