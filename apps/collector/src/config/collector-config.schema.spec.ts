import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/usage.error.js';
import { resolveCollectorConfig } from './collector-config.schema.js';

const resolve = (flags: Record<string, string | boolean>, env: Record<string, string> = {}, command = ['node', 'server.js']) => resolveCollectorConfig('stdio', flags, env, command, '/work');
const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no usage error');
};

describe(resolveCollectorConfig.name, () => {
  it('applies the defaults of the contract and resolves PALISADE_HOME', () => {
    const config = resolve({ server: 'fs' });
    expect(config).toMatchObject({ server: 'fs', bus: 'sqlite', topic: 'mcp.telemetry', home: path.resolve('/work', '.palisade'), apiUrl: 'http://127.0.0.1:4000' });
    expect(config.capture.limitBytes).toBe(64 * 1024);
    expect(config.shipping.flushMs).toBe(100);
    expect(config.requestTimeoutMs).toBe(60_000);
    expect(config.busEnv['PALISADE_HOME']).toBe(path.resolve('/work', '.palisade'));
  });

  it('lets flags win over variables and reads units', () => {
    const config = resolve({ server: 'fs', bus: 'kafka', 'capture-limit': '16kb', 'flush-ms': '2s', 'request-timeout': '1m' }, { PALISADE_BUS: 'sqlite', KAFKA_BROKERS: 'k:9092', PALISADE_HOME: '/data' });
    expect(config.bus).toBe('kafka');
    expect(config.home).toBe('/data');
    expect(config.capture.limitBytes).toBe(16 * 1024);
    expect(config.shipping.flushMs).toBe(2000);
    expect(config.requestTimeoutMs).toBe(60_000);
  });

  it('reports one line naming the flag or variable at fault', () => {
    expect(problem(() => resolve({}))).toMatch(/^--server: is required/);
    expect(problem(() => resolve({ server: 'bad name' }))).toMatch(/^--server "bad name": may contain only/);
    expect(problem(() => resolve({ server: 'fs', 'flush-ms': 'soon' }))).toBe('--flush-ms "soon": must be a duration such as 250ms, 2s or 1m');
    expect(problem(() => resolve({ server: 'fs' }, { PALISADE_BUS: 'rabbit' }))).toBe('--bus / PALISADE_BUS "rabbit": must be sqlite, kafka or http');
    expect(problem(() => resolve({ server: 'fs', bus: 'kafka' }))).toMatch(/^KAFKA_BROKERS: is required/);
    expect(problem(() => resolve({ server: 'fs', bus: 'http' }))).toMatch(/^PALISADE_INGEST_TOKEN: is required/);
    expect(problem(() => resolve({ server: 'fs', 'capture-limit': '1gb' }))).toMatch(/^--capture-limit "1gb": must be between/);
    expect(problem(() => resolve({ server: 'fs' }, {}, []))).toMatch(/^missing the server command/);
  });

  it('never shows the ingest token in a message', () => {
    const message = problem(() => resolveCollectorConfig('stdio', { server: 'fs', bus: 'http' }, { PALISADE_INGEST_TOKEN: '' }, ['x']));
    expect(message).not.toContain('Bearer');
  });

  it('defaults --listen to 127.0.0.1 for the http command', () => {
    const config = resolveCollectorConfig('http', { server: 'web', upstream: 'http://127.0.0.1:3001/mcp', listen: '8808' }, {}, [], '/work');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8808 });
    expect(problem(() => resolveCollectorConfig('http', { server: 'web' }, {}, [], '/work'))).toMatch(/^--upstream: is required/);
    expect(problem(() => resolveCollectorConfig('http', { server: 'web', upstream: 'ftp://x' }, {}, [], '/work'))).toMatch(/must be an http/);
  });
});
