import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { loadDetectorConfig } from './detector-config.js';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('detector settings', () => {
  it('fails with one line naming the variable and its value', () => {
    const error = failure({ PALISADE_API_PORT: 'eighty' });
    expect(error.variables).toEqual(['PALISADE_API_PORT']);
    expect(error.message).toContain('PALISADE_API_PORT="eighty" is invalid');
    expect(error.message).not.toContain('\n');
  });

  it('never prints the value of a token, a secret or an SMTP URL', () => {
    for (const [name, value] of [
      ['PALISADE_ADMIN_TOKEN', 'hunter2-short'],
      ['PALISADE_WEBHOOK_SECRET', 'tiny-secret'],
      ['SMTP_URL', 'ftp://mailer:pa55word@mail.example'],
    ] as const) {
      const error = failure({ [name]: value });
      expect(error.variables).toEqual([name]);
      expect(error.message).toContain(`${name} (value not shown) is invalid`);
      expect(error.message).not.toContain(value);
    }
  });

  it('reads the clock skew allowed between collectors (default 2 s) and refuses what is not a duration', () => {
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec' }).engine.clockSkewMs).toBe(2000);
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_CLOCK_SKEW_MS: '0' }).engine.clockSkewMs).toBe(0);
    for (const value of ['soon', '-5', '3600000']) {
      const error = failure({ PALISADE_CLOCK_SKEW_MS: value });
      expect(error.variables).toEqual(['PALISADE_CLOCK_SKEW_MS']);
      expect(error.message).toContain(`PALISADE_CLOCK_SKEW_MS="${value}" is invalid`);
    }
  });

  it('names PALISADE_WEBHOOKS when it holds something other than an http(s) URL', () => {
    const error = failure({ PALISADE_WEBHOOKS: 'http://127.0.0.1:9/hook,file:///etc/passwd' });
    expect(error.variables).toEqual(['PALISADE_WEBHOOKS']);
    expect(error.message).toContain('file:///etc/passwd');
  });

  it('reads engine settings from the config file and refuses unknown or out-of-range ones, naming the field', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-config-')), 'palisade.json');
    const load = (engine: unknown) => {
      writeFileSync(file, JSON.stringify({ engine }));
      return loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_CONFIG: file, PALISADE_CLOCK_SKEW_MS: '500' });
    };
    expect(load({ roots: { files: ['/srv/data'] }, warmup: 50, flowTtlMs: 3_600_000 }).engine).toEqual({ roots: { files: ['/srv/data'] }, warmup: 50, flowTtlMs: 3_600_000, clockSkewMs: 500 });
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec' }).engine).toEqual({ clockSkewMs: 2000 });
    for (const [engine, field] of [
      [{ warmpu: 5 }, 'warmpu'],
      [{ reorderWindowMs: 86_400_000 }, 'engine.reorderWindowMs'],
      [{ roots: { files: '/srv' } }, 'engine.roots.files'],
      [{ rescanSecrets: 'sometimes' }, 'engine.rescanSecrets'],
    ] as const) {
      writeFileSync(file, JSON.stringify({ engine }));
      const error = failure({ PALISADE_CONFIG: file });
      expect(error.variables).toEqual(['PALISADE_CONFIG']);
      expect(error.message).toContain(field);
      expect(error.message).not.toContain('\n');
    }
  });
});
