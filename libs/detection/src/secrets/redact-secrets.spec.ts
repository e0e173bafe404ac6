import { describe, expect, it } from 'vitest';
import { Finding } from '@palisade/schema';
import { fingerprintSecret } from './fingerprint-secret.js';
import { redactSecrets, redactSecretsSync } from './redact-secrets.js';

const KEY = 'install-key-for-tests';
const AWS_ID = ['AKIA', 'QYLPMN5HFIQR7XYZ'].join('');
const RSA = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Q', '-----END RSA PRIVATE KEY-----'].join('\n');

describe(fingerprintSecret.name, () => {
  it('is the first 12 hex characters of HMAC-SHA256(key, value), stable per key', () => {
    expect(fingerprintSecret('k', 'value')).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprintSecret('k', 'value')).toBe(fingerprintSecret(Buffer.from('k'), 'value'));
    expect(fingerprintSecret('k', 'value')).not.toBe(fingerprintSecret('other', 'value'));
  });
});

describe(redactSecrets.name, () => {
  const input = {
    name: 'send_email',
    arguments: { to: 'ops@example.com', body: `keys: ${AWS_ID}\n${RSA}`, nested: [{ example: 'AKIAIOSFODNN7EXAMPLE' }] },
  };

  it('replaces every secret with a typed fingerprint and records findings with JSON pointers', async () => {
    const snapshot = JSON.stringify(input);
    const { value, findings } = await redactSecrets(input, { key: KEY, where: 'request' });
    const text = JSON.stringify(value);
    expect(JSON.stringify(input)).toBe(snapshot); // input untouched
    expect(text).not.toContain('QYLPMN5HFIQR7XYZ');
    expect(text).not.toContain('MIIBOgIBAAJBAKj34');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain(`[REDACTED:aws_access_key:${fingerprintSecret(KEY, AWS_ID)}]`);
    expect(findings.map((f) => [f.type, f.path])).toEqual([
      ['aws_access_key', '/arguments/body'],
      ['private_key', '/arguments/body'],
      ['aws_access_key', '/arguments/nested/0/example'],
    ]);
    for (const finding of findings) expect(Finding.parse(finding)).toEqual(finding);
    expect(findings.every((f) => f.where === 'request')).toBe(true);
  });

  it('replaces a secret in an object key too, records it, and never lets it reach a finding path', async () => {
    // A map keyed by credentials (an env dump, a token table) would otherwise carry them raw past the edge.
    const placeholder = `[REDACTED:aws_access_key:${fingerprintSecret(KEY, AWS_ID)}]`;
    for (const redact of [redactSecrets, redactSecretsSync]) {
      const { value, findings } = await redact({ [AWS_ID]: `again ${AWS_ID}`, tokens: { [`id ${AWS_ID}`]: 'read-only' } }, { key: KEY, where: 'request' });
      expect(JSON.stringify(value)).not.toContain('QYLPMN5HFIQR7XYZ');
      expect(value).toEqual({ [placeholder]: `again ${placeholder}`, tokens: { [`id ${placeholder}`]: 'read-only' } });
      expect(findings.map((f) => [f.type, f.path])).toEqual(
        expect.arrayContaining([
          ['aws_access_key', `/${placeholder}`],
          ['aws_access_key', `/tokens/id ${placeholder}`],
        ]),
      );
      expect(findings).toHaveLength(3);
      expect(JSON.stringify(findings)).not.toContain('QYLPMN5HFIQR7XYZ');
    }
  });

  it('never returns the raw secret anywhere, findings included', async () => {
    const { findings } = await redactSecrets(input, { key: KEY, where: 'response' });
    expect(JSON.stringify(findings)).not.toMatch(/QYLPMN5HFIQR7XYZ|MIIBOg|AKIAIOSFODNN7EXAMPLE/);
  });

  it('is idempotent: redacting redacted output finds nothing more', async () => {
    const first = await redactSecrets(input, { key: KEY, where: 'request' });
    const second = await redactSecrets(first.value, { key: KEY, where: 'request' });
    expect(second.findings).toEqual([]);
    expect(second.value).toEqual(first.value);
  });

  it('redacts card numbers held as JSON numbers and escapes pointer segments', async () => {
    const { value, findings } = await redactSecrets({ 'a/b~c': 4111111111111111, n: 1732272000000 }, { key: KEY, where: 'request' });
    expect(value).toMatchObject({ 'a/b~c': expect.stringMatching(/^\[REDACTED:card_number:[0-9a-f]{12}\]$/), n: 1732272000000 });
    expect(findings.map((f) => f.path)).toEqual(['/a~1b~0c']);
  });

  it('bounds its work: strings beyond the budget are withheld, never passed on raw', async () => {
    const huge = `${'x'.repeat(2000)} ${AWS_ID}`;
    const result = await redactSecrets({ small: 'ok', huge }, { key: KEY, where: 'response', maxScanChars: 1000 });
    expect(JSON.stringify(result.value)).not.toContain(AWS_ID);
    expect(result.withheld).toBe(1);
    const deep = { a: { b: { c: { d: AWS_ID } } } };
    const shallow = redactSecretsSync(deep, { key: KEY, where: 'response', maxDepth: 2 });
    expect(JSON.stringify(shallow.value)).not.toContain(AWS_ID);
  });
});

describe(redactSecretsSync.name, () => {
  it('uses the fast pattern set with the same output shape', () => {
    const { value, findings } = redactSecretsSync(`url postgres://app:s3cr3t-Pa55@db/x`, { key: KEY, where: 'request' });
    expect(value).toBe(`url postgres://app:[REDACTED:password_in_url:${fingerprintSecret(KEY, 's3cr3t-Pa55')}]@db/x`);
    expect(findings).toEqual([{ type: 'password_in_url', fingerprint: fingerprintSecret(KEY, 's3cr3t-Pa55'), where: 'request', path: '', detector: 'palisade/password-in-url' }]);
  });
});
