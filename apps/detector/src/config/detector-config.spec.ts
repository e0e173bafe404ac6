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

  it('takes numbers only in decimal digits: a port, a count or a number of days written otherwise stops it', () => {
    const base = { PALISADE_HOME: '/tmp/palisade-config-spec' };
    expect(loadDetectorConfig({ ...base, PALISADE_API_PORT: '8080', PALISADE_RETENTION_EVENTS_DAYS: '7', PALISADE_EXPORT_CONCURRENCY: ' 3 ' })).toMatchObject({
      api: { port: 8080 },
      retention: { eventsDays: 7 },
      exports: { maxConcurrent: 3 },
    });
    for (const [name, value] of [
      ['PALISADE_API_PORT', '0x10'],
      ['PALISADE_API_PORT', '1e3'],
      ['PALISADE_API_PORT', '0b11111010000'],
      ['PALISADE_API_PORT', '4000.0'],
      ['PALISADE_API_PORT', '70000'],
      ['PALISADE_API_PORT', ''],
      ['PALISADE_RETENTION_EVENTS_DAYS', '0x1e'],
      ['PALISADE_RETENTION_AUDIT_DAYS', '3e3'],
      ['PALISADE_CLOCK_SKEW_MS', '1e3'],
      ['PALISADE_PREVIEW_MAX_EVENTS', '0x1000'],
      ['PALISADE_EXPORT_CONCURRENCY', '0o4'],
    ] as const) {
      const error = failure({ [name]: value });
      expect(error.variables).toEqual([name]);
      expect(error.message).toContain(`${name}="${value}" is invalid`);
      expect(error.message).not.toContain('\n');
    }
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

  it('refuses an SMTP_URL that names no mail server, without printing it', () => {
    const base = { PALISADE_HOME: '/tmp/palisade-config-spec' };
    expect(loadDetectorConfig({ ...base, SMTP_URL: 'smtps://alerts:pa55word@mail.example.com:465?pool=true' }).mail.smtpUrl).toBe('smtps://alerts:pa55word@mail.example.com:465?pool=true');
    for (const value of ['smtp://', 'smtp://:::', 'smtp://mail.example.com:port', 'smtp:mail.example.com', 'smtp://user:pa55word@']) {
      const error = failure({ SMTP_URL: value });
      expect(error.variables).toEqual(['SMTP_URL']);
      expect(error.message).toContain('SMTP_URL (value not shown) is invalid');
      expect(error.message).not.toContain('pa55word');
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

  it('reads the bound on events a tuning preview replays (default 20,000) and refuses what is not a count in range', () => {
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec' }).preview.maxEvents).toBe(20_000);
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_PREVIEW_MAX_EVENTS: '500' }).preview.maxEvents).toBe(500);
    for (const value of ['many', '99', '2.5', '1000001']) {
      const error = failure({ PALISADE_PREVIEW_MAX_EVENTS: value });
      expect(error.variables).toEqual(['PALISADE_PREVIEW_MAX_EVENTS']);
      expect(error.message).toContain(`PALISADE_PREVIEW_MAX_EVENTS="${value}" is invalid`);
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

  it('refuses a misspelt key anywhere in the config file, so webhooks, mail or containment are never quietly off', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-config-')), 'palisade.json');
    for (const [content, field] of [
      [{ webhook: [{ url: 'https://soar.example/hook' }] }, 'webhook'],
      [{ mail: { too: ['soc@example.com'] } }, 'too'],
      [{ containment: { categoriez: {} } }, 'categoriez'],
      // A tool policy keyed by the tool alone would never match a tool (keys are SERVER/TOOL).
      [{ containment: { tools: { read_file: 'off' } } }, 'containment.tools.read_file: must be SERVER/TOOL'],
      [{ webhooks: [{ url: 'https://soar.example/hook', secret: 'a-long-enough-secret', retries: 3 }] }, 'retries'],
      [{ webhooks: [{ url: 'ftp://soar.example/hook' }] }, 'webhooks'],
    ] as const) {
      writeFileSync(file, JSON.stringify(content));
      const error = failure({ PALISADE_CONFIG: file });
      expect(error.variables).toEqual(['PALISADE_CONFIG']);
      expect(error.message).toContain(field);
    }
  });

  it('refuses contradictory mail and token settings, naming the variable', () => {
    const noSmtp = failure({ PALISADE_MAIL_TO: 'soc@example.com' });
    expect(noSmtp.variables).toEqual(['PALISADE_MAIL_TO']);
    expect(noSmtp.message).toContain('SMTP_URL is unset');
    const notAnAddress = failure({ SMTP_URL: 'smtp://127.0.0.1:2525', PALISADE_MAIL_TO: 'soc@example.com, notanemail' });
    expect(notAnAddress.variables).toEqual(['PALISADE_MAIL_TO']);
    expect(notAnAddress.message).toContain('"notanemail"');
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', SMTP_URL: 'smtp://127.0.0.1:2525', PALISADE_MAIL_TO: 'SOC <soc@example.com>, lead@example.com' }).mail.to).toEqual(['SOC <soc@example.com>', 'lead@example.com']);
    const token = 'the-same-token-for-both-0123456789';
    const shared = failure({ PALISADE_ADMIN_TOKEN: token, PALISADE_INGEST_TOKEN: token });
    expect(shared.variables).toEqual(['PALISADE_INGEST_TOKEN']);
    expect(shared.message).not.toContain(token);
  });

  it('takes the containment mode from the environment or the config file, and refuses two different ones', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'palisade-config-')), 'palisade.json');
    writeFileSync(file, JSON.stringify({ containment: { mode: 'on' } }));
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_CONFIG: file }).containment.mode).toBe('on');
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_CONFIG: file, PALISADE_AUTO_QUARANTINE: 'on' }).containment.mode).toBe('on');
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_AUTO_QUARANTINE: 'dry-run' }).containment.mode).toBe('dry-run');
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec' }).containment.mode).toBe('on');
    const clash = failure({ PALISADE_CONFIG: file, PALISADE_AUTO_QUARANTINE: 'dry-run' });
    expect(clash.variables).toEqual(['PALISADE_AUTO_QUARANTINE']);
    expect(clash.message).toContain('contradicts containment.mode "on"');
  });

  it('trusts no proxy for X-Forwarded-For unless PALISADE_TRUST_PROXY names one', () => {
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec' }).api.trustProxy).toBe(false);
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).api.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(failure({ PALISADE_TRUST_PROXY: 'any$thing' }).variables).toEqual(['PALISADE_TRUST_PROXY']);
    // What Express itself would refuse with a bare TypeError at start is named here, in one line.
    for (const bad of ['notanip', '10.0.0.0/33', 'loopback, 300.1.1.1', 'fd00::/129', '10.0.0.0/8/8']) {
      const refused = failure({ PALISADE_TRUST_PROXY: bad });
      expect(refused.variables, bad).toEqual(['PALISADE_TRUST_PROXY']);
      expect(refused.message, bad).toMatch(/which is not loopback, linklocal, uniquelocal, an address or a subnet$/);
    }
    expect(loadDetectorConfig({ PALISADE_HOME: '/tmp/palisade-config-spec', PALISADE_TRUST_PROXY: 'uniquelocal, 192.168.0.0/255.255.0.0, fd00::/8, ::1' }).api.trustProxy).toBe('uniquelocal, 192.168.0.0/255.255.0.0, fd00::/8, ::1');
  });
});
