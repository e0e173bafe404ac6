import { describe, expect, it } from 'vitest';
import { alertsOf } from '../../test/engine.fixture.js';
import { detectSensitiveDataExfiltration } from './sensitive-data-exfiltration.detector.js';

const KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

describe(detectSensitiveDataExfiltration.name, () => {
  it('raises on the collector’s findings, showing fingerprints and never values', () => {
    const [alert] = alertsOf('sensitive_data_exfiltration', [
      { server: 'web', tool: 'http_post', arguments: { body: '[REDACTED:github_token:0a1b2c3d4e5f]' }, 'palisade.capture.request': { bytes: 60, sha256: 'a'.repeat(64), truncated: false }, findings: [{ type: 'github_token', fingerprint: '0a1b2c3d4e5f', where: 'request', path: '/arguments/body', detector: '@secretlint/secretlint-rule-github' }] },
    ]);
    expect(alert).toMatchObject({ severity: 'high', server: 'web', tool: 'http_post' });
    expect(alert?.evidence.fingerprints).toEqual(['0a1b2c3d4e5f']);
  });

  it('finds raw private keys and credential files in arguments not captured by a collector', () => {
    expect(alertsOf('sensitive_data_exfiltration', [{ tool: 'create_gist', arguments: { content: KEY } }])[0]?.severity).toBe('high');
    const env = alertsOf('sensitive_data_exfiltration', [{ tool: 'http_post', arguments: { body: 'DB_HOST=db\nDB_PASSWORD=hunter2hunter2\nAPP_ENV=prod\n' } }]);
    expect(env[0]?.evidence.matches.map((m) => m.signal).join()).toContain('.env file');
    expect(JSON.stringify(env)).not.toContain('hunter2');
  });

  it('rates documentation example keys low and large blobs by what the argument is for', () => {
    expect(alertsOf('sensitive_data_exfiltration', [{ tool: 'note', arguments: { text: '[REDACTED:aws_access_key:abcdef123456]' }, findings: [{ type: 'aws_access_key', fingerprint: 'abcdef123456', where: 'request', path: '/arguments/text', detector: 'palisade/aws-access-key#example' }] }])[0]?.severity).toBe('low');
    const blob = Buffer.from('x'.repeat(6000)).toString('base64').replace(/^eH/, 'Q9');
    expect(alertsOf('sensitive_data_exfiltration', [{ tool: 'upload', arguments: { image: blob } }])[0]?.severity).toBe('low');
    expect(alertsOf('sensitive_data_exfiltration', [{ tool: 'lookup', arguments: { ref: blob } }])[0]?.severity).toBe('medium');
  });

  it('leaves ordinary arguments alone', () => {
    expect(alertsOf('sensitive_data_exfiltration', [{ tool: 'send_email', arguments: { to: 'a@example.com', body: 'Your password was changed. Token: see portal.' } }])).toEqual([]);
  });

  it('names where a fingerprinted secret came from when a result returned it earlier', () => {
    const finding = (where: 'request' | 'response', path: string) => ({ type: 'github_token', fingerprint: '0a1b2c3d4e5f', where, path });
    const [alert] = alertsOf('sensitive_data_exfiltration', [
      { server: 'ci', tool: 'get_env', result: { content: [{ type: 'text', text: 'GITHUB_TOKEN=[REDACTED:github_token:0a1b2c3d4e5f]' }] }, findings: [finding('response', '/content/0/text')] },
      { server: 'web', tool: 'http_post', arguments: { body: '[REDACTED:github_token:0a1b2c3d4e5f]' }, findings: [finding('request', '/arguments/body')] },
    ]);
    expect(alert?.evidence.source).toMatchObject({ server: 'ci', tool: 'get_env' });
  });
});
