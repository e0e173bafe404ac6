import { readFileSync } from 'node:fs';
import path from 'node:path';
import { busConfigFromEnv } from '@palisade/bus';
import { loadDetectorConfig } from '@palisade/detector';
import { storeConfigFromEnv } from '@palisade/store';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '@palisade/test-support';

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}

// The compose file cannot run here (no Docker engine): it is validated by parsing it, and the settings it
// gives each Palisade service are run through the same config parsers the services use at start.
const compose = parse(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const substitute = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{PALISADE_ADMIN_TOKEN[^}]*\}/, 'compose-admin-token-0123456789')]));

describe('docker-compose.yml', () => {
  it('has every service of the distributed deployment', () => {
    expect(Object.keys(services).sort()).toEqual(['dashboard', 'demo-collector', 'detector-api', 'detector-worker', 'elasticsearch', 'kafka', 'kafka-topics', 'mailpit']);
  });

  it('pins every third-party image and builds Palisade’s from the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        expect(service.build, name).toBe('.');
        continue;
      }
      expect(service.image, name).toMatch(/:v?[0-9][\w.-]*$/);
    }
    expect(services.kafka!.image).toMatch(/^apache\/kafka:/);
    expect(services.elasticsearch!.image).toMatch(/^docker\.elastic\.co\/elasticsearch\/elasticsearch:9\./);
    expect(services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
  });

  it('runs the detector API and worker as separate services, and the dashboard against the API', () => {
    expect(services['detector-api']!.command).toEqual(['node', 'apps/detector/bin/palisade-detector.js', 'serve', '--api-only']);
    expect(services['detector-worker']!.command).toEqual(['node', 'apps/detector/bin/palisade-detector.js', 'serve', '--worker-only']);
    expect(services.dashboard!.environment!.PALISADE_API_URL).toBe('http://detector-api:4000');
    expect(services['demo-collector']!.command).toContain('--scenarios-only');
  });

  it('gives each Palisade service settings its own config parsers accept (Kafka bus, Elasticsearch store)', () => {
    for (const name of ['detector-api', 'detector-worker', 'demo-collector']) {
      const env = substitute(services[name]!.environment!);
      const bus = busConfigFromEnv(env, '/');
      const store = storeConfigFromEnv(env, '/');
      expect(bus.kind, name).toBe('kafka');
      expect(store.kind, name).toBe('elasticsearch');
      expect(() => loadDetectorConfig(env), name).not.toThrow();
    }
    expect(loadDetectorConfig(substitute(services['detector-worker']!.environment!)).mail.smtpUrl).toBe('smtp://mailpit:1025');
  });

  it('publishes ports on 127.0.0.1 only and keeps Kafka and Elasticsearch off the host', () => {
    for (const [name, service] of Object.entries(services)) for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    expect(services.kafka!.ports).toBeUndefined();
    expect(services.elasticsearch!.ports).toBeUndefined();
  });

  it('keeps Kafka’s and Elasticsearch’s data in their named volumes', () => {
    const mountedAt = (name: string, volume: string): string | undefined =>
      (services[name]!.volumes ?? []).map((entry) => entry.split(':')).find(([source]) => source === volume)?.[1];
    // The apache/kafka image writes where KAFKA_LOG_DIRS says (its default is under /tmp), not to its volume.
    expect(services.kafka!.environment!.KAFKA_LOG_DIRS).toBe(mountedAt('kafka', 'kafka-data'));
    expect(mountedAt('elasticsearch', 'es-data')).toBe('/usr/share/elasticsearch/data');
  });

  it('creates the topics before Palisade starts, with health checks and named volumes', () => {
    const topics = String((services['kafka-topics']!.command as string[])[0]);
    for (const topic of ['mcp.telemetry', 'mcp.telemetry.dlq', 'mcp.control']) expect(topics).toContain(`--topic ${topic} `);
    for (const name of ['kafka', 'elasticsearch', 'mailpit', 'detector-api']) expect(services[name]!.healthcheck, name).toBeDefined();
    expect(services['detector-worker']!.depends_on).toMatchObject({ 'kafka-topics': { condition: 'service_completed_successfully' }, elasticsearch: { condition: 'service_healthy' } });
    expect(Object.keys(compose.volumes).sort()).toEqual(['es-data', 'kafka-data', 'palisade-data']);
  });
});
