import { describe, expect, it } from 'vitest';
import { findSecrets } from './find-secrets.js';
import { findSecretsSync } from './find-secrets-sync.js';
import { isExampleSecret } from './secret-match.js';

// Fake credentials assembled at run time, so the source itself trips no scanner.
const AWS_ID = ['AKIA', 'QYLPMN5HFIQR7XYZ'].join('');
const AWS_SECRET = ['wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYzQ81kLm0pWsTuv'].join('').slice(0, 40);
const GITHUB = ['ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'].join('.');
const RSA = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Q', '-----END RSA PRIVATE KEY-----'].join('\n');
const OPENSSH = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', '-----END OPENSSH PRIVATE KEY-----'].join('\n');
const PGP = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', 'lQOYBF0K1c8BCADJ2x2QwXqFzG0z', '-----END PGP PRIVATE KEY BLOCK-----'].join('\n');

function types(text: string): string[] {
  return findSecretsSync(text).map((m) => m.type);
}

function spanOf(text: string, type: string): string | undefined {
  const match = findSecretsSync(text).find((m) => m.type === type);
  return match ? text.slice(match.start, match.end) : undefined;
}

describe(findSecretsSync.name, () => {
  it('finds AWS access key ids, including documentation examples (marked as examples)', () => {
    expect(spanOf(`key ${AWS_ID} here`, 'aws_access_key')).toBe(AWS_ID);
    const example = findSecretsSync('export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE');
    expect(example).toHaveLength(1);
    expect(example[0]).toMatchObject({ type: 'aws_access_key' });
    expect(isExampleSecret(example[0]!.detector)).toBe(true);
    expect(isExampleSecret(findSecretsSync(AWS_ID)[0]!.detector)).toBe(false);
  });

  it('finds an AWS secret key next to an access key id, and by name', () => {
    expect(types(`id=${AWS_ID}\nsecret=${AWS_SECRET}`)).toEqual(['aws_access_key', 'aws_secret_key']);
    expect(spanOf(`aws_secret_access_key = ${AWS_SECRET}`, 'aws_secret_key')).toBe(AWS_SECRET);
    // A 40-character token far from any key id and unnamed is not an AWS key.
    expect(types(`commit ${'a1b2c3d4e5'.repeat(4)}`)).not.toContain('aws_secret_key');
  });

  it('finds private key blocks of every kind, whole, and keys cut off before their END line', () => {
    for (const key of [RSA, OPENSSH, PGP, RSA.replace(/\n/g, '\\n')]) {
      const text = `Backup contents:\n${key}\ntrailer`;
      expect(spanOf(text, 'private_key')).toBe(key);
    }
    const cut = 'x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
    expect(spanOf(cut, 'private_key')).toBe(cut.slice(2));
  });

  it('finds JWTs, GitHub, Slack, Stripe, OpenAI, Anthropic and Google tokens', () => {
    expect(spanOf(`Authorization: Bearer ${JWT}`, 'jwt')).toBe(JWT);
    expect(spanOf(`token: ${GITHUB} rotate`, 'github_token')).toBe(GITHUB);
    expect(types(['xoxb', '123456789012', '1234567890123', 'abcdefghijklmnopqrstuvwx'].join('-'))).toEqual(['slack_token']);
    expect(types(['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'))).toEqual(['stripe_key']);
    expect(types(['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'].join('-'))).toEqual(['openai_api_key']);
    expect(types(['sk', 'ant', 'api03', 'Xy7_Qw3rT9uIoP1aSdF4gHjK6lZx8cVbN2m'].join('-'))).toEqual(['anthropic_api_key']);
    expect(types(['AIza', 'SyD3m0Fak3K3yF0rT3st1ngPurp0s3s0nly'].join(''))).toEqual(['google_api_key']);
  });

  it('finds only the password of a URL, and ignores placeholders', () => {
    const text = 'postgres://app:s3cr3t-Pa55@db.internal:5432/app';
    expect(spanOf(text, 'password_in_url')).toBe('s3cr3t-Pa55');
    expect(types('postgres://user:password@localhost/db and https://u:${DB_PASS}@h/')).toEqual([]);
    // `#` written raw in a password (common in connection strings) does not end it.
    expect(spanOf('DATABASE_URL=postgresql://admin:Xk9#mQ2$vL7pR4@prod-db.internal:5432/billing', 'password_in_url')).toBe('Xk9#mQ2$vL7pR4');
  });

  it('finds card numbers that pass Luhn, not other long numbers', () => {
    expect(spanOf('card 4111 1111 1111 1111 exp 12/29', 'card_number')).toBe('4111 1111 1111 1111');
    expect(types('amex 378282246310005')).toEqual(['card_number']);
    expect(types('order 4111 1111 1111 1112')).toEqual([]);
    expect(types('ts 1732272000000 and id 12345678901234567')).toEqual([]);
  });

  it('finds high-entropy password and api_key assignments, not prose or placeholders', () => {
    expect(spanOf('DB_PASSWORD=Zx9!kq2Lm#4v', 'password')).toBe('Zx9!kq2Lm#4v');
    expect(spanOf('api_key: "f3a9c1e7b2d84a6f9e0c5b1d7a3f8e2c"', 'generic_secret')).toBe('f3a9c1e7b2d84a6f9e0c5b1d7a3f8e2c');
    expect(types('password: required. Set api_key=YOUR_API_KEY or token=${TOKEN}; secret: changeme')).toEqual([]);
    expect(types('To authenticate, send your API key as a Bearer token in the Authorization header.')).toEqual([]);
  });

  it('finds bearer tokens with random-looking values', () => {
    expect(types("{'Authorization': 'Bearer sess_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8g9h0'}")).toEqual(['bearer_token']);
  });

  it('leaves ordinary text, UUIDs, hashes and redaction placeholders alone', () => {
    expect(types('Request accepted. Session id: 550e8400-e29b-41d4-a716-446655440000. Correlation: req_2f8a1c9e.')).toEqual([]);
    expect(types('sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toEqual([]);
    expect(types('key [REDACTED:aws_access_key:0a1b2c3d4e5f] was rotated')).toEqual([]);
  });

  it('returns non-overlapping matches sorted by position', () => {
    const text = `${GITHUB} then ${AWS_ID} then ${RSA} and ${JWT}`;
    const matches = findSecretsSync(text);
    expect(matches.map((m) => m.type)).toEqual(['github_token', 'aws_access_key', 'private_key', 'jwt']);
    for (let i = 1; i < matches.length; i += 1) expect(matches[i]!.start).toBeGreaterThanOrEqual(matches[i - 1]!.end);
  });
});

describe(findSecrets.name, () => {
  it('adds what secretlint finds to Palisade patterns', async () => {
    const sendgrid = ['SG', 'ngeVfQFYQlKU0ufo8x5d1A', 'TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr'].join('.');
    const matches = await findSecrets(`mail key ${sendgrid} and ${AWS_ID}`);
    expect(matches.map((m) => m.type)).toEqual(['sendgrid_api_key', 'aws_access_key']);
  });

  it('cannot be switched off by a secretlint-disable comment in the text', async () => {
    const matches = await findSecrets(`// secretlint-disable\n${GITHUB}\n// secretlint-enable`);
    expect(matches.map((m) => m.type)).toEqual(['github_token']);
  });

  it('finds database connection strings secretlint knows', async () => {
    const text = 'mongodb+srv://admin:Tr0ub4dor3xyz@cluster0.example.mongodb.net/db';
    const matches = await findSecrets(text);
    expect(matches).toHaveLength(1);
    expect(text.slice(matches[0]!.start, matches[0]!.end)).toContain('Tr0ub4dor3xyz');
  });
});
