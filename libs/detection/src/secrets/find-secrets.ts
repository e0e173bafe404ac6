import type { lintSource } from '@secretlint/core';
import { findSecretsSync } from './find-secrets-sync.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import type { SecretMatch } from './secret-match.js';
import { SECRET_PATTERNS, type SecretCandidate } from './secret.patterns.js';

type LintConfig = Parameters<typeof lintSource>[0]['options']['config'];

const SECRETLINT_RULE_PREFIX = '@secretlint/secretlint-rule-';

interface Secretlint {
  lintSource: typeof lintSource;
  config: LintConfig;
}

let secretlint: Promise<Secretlint> | undefined;

/**
 * secretlint and its preset, loaded on the first thorough scan: a process that only redacts with
 * Palisade's patterns (the collector in `fast` mode) never holds them in memory. The config is the
 * recommended preset minus the comment filter: text under inspection is untrusted, and a
 * `secretlint-disable` comment in a tool result must not switch detection off.
 */
function loadSecretlint(): Promise<Secretlint> {
  secretlint ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]).then(([core, preset]) => ({
    lintSource: core.lintSource,
    config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator, rules: [{ id: '@secretlint/secretlint-rule-filter-comments', disabled: true }] }] },
  }));
  return secretlint;
}

const SECRETLINT_TYPES: Record<string, string> = {
  'aws:AWSAccessKeyID': 'aws_access_key',
  'aws:AWSSecretAccessKey': 'aws_secret_key',
  'aws:AWSAccountID': 'aws_account_id',
  github: 'github_token',
  gitlab: 'gitlab_token',
  slack: 'slack_token',
  basicauth: 'password_in_url',
  'database-connection-string': 'password_in_url',
  privatekey: 'private_key',
  npm: 'npm_token',
  openai: 'openai_api_key',
  anthropic: 'anthropic_api_key',
  gcp: 'gcp_service_account_key',
  sendgrid: 'sendgrid_api_key',
  huggingface: 'huggingface_token',
};

/** Maps a secretlint rule and message to Palisade's snake_case secret type. */
export function secretlintType(ruleId: string, messageId: string): string {
  const name = ruleId.startsWith(SECRETLINT_RULE_PREFIX) ? ruleId.slice(SECRETLINT_RULE_PREFIX.length) : ruleId;
  const known = SECRETLINT_TYPES[`${name}:${messageId}`] ?? SECRETLINT_TYPES[name];
  if (known) return known;
  const base = name.replace(/^1password$/, 'onepassword').replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  return `${base}_secret`;
}

/** Separator between texts scanned in one secretlint run; no secret pattern spans it. */
const SEPARATOR = '\n\u0000\n';

/**
 * Scans several texts with Palisade's patterns and the secretlint recommended preset in a single
 * secretlint run (texts are joined, ranges mapped back). Returns one match list per text.
 */
export async function findSecretsInTexts(texts: readonly string[]): Promise<SecretMatch[][]> {
  const candidates: SecretCandidate[][] = texts.map(() => []);
  const offsets: number[] = [];
  let length = 0;
  for (const text of texts) {
    offsets.push(length);
    length += text.length + SEPARATOR.length;
  }
  texts.forEach((text, index) => {
    const lower = text.toLowerCase();
    const list = candidates[index] ?? [];
    for (const pattern of SECRET_PATTERNS) {
      if (pattern.hint(text, lower)) list.push(...pattern.scan(text));
    }
  });
  const content = texts.join(SEPARATOR);
  if (content.length >= 8) {
    const { lintSource: lint, config } = await loadSecretlint();
    const result = await lint({
      source: { filePath: 'palisade-capture.txt', content, contentType: 'text' },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    for (const message of result.messages) {
      const [from, to] = message.range;
      const index = textIndexAt(offsets, from);
      const base = offsets[index] ?? 0;
      const text = texts[index] ?? '';
      if (to - base > text.length) continue;
      candidates[index]?.push({ type: secretlintType(message.ruleId, message.messageId), start: from - base, end: to - base, detector: message.ruleId, priority: 50 });
    }
  }
  return texts.map((text, index) => resolveOverlaps(text, candidates[index] ?? []));
}

function textIndexAt(offsets: readonly number[], position: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] ?? 0) <= position) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Thorough secret detection: the secretlint recommended preset plus Palisade's own patterns for what it
 * misses (AWS example keys, private keys of every kind, JWTs, card numbers, passwords in URLs, vendor
 * tokens, high-entropy assignments). Non-overlapping, sorted matches.
 */
export async function findSecrets(text: string): Promise<SecretMatch[]> {
  if (text.length < 8) return findSecretsSync(text);
  const [matches] = await findSecretsInTexts([text]);
  return matches ?? [];
}
