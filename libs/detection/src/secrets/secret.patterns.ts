import { passesLuhn } from '../text/luhn.js';
import { shannonEntropy } from '../text/shannon-entropy.js';
import { EXAMPLE_SECRET_SUFFIX } from './secret-match.js';
import { execAll } from '../text/exec-all.js';

/** A raw candidate from one pattern, before overlaps are resolved. */
export interface SecretCandidate {
  type: string;
  start: number;
  end: number;
  detector: string;
  /** Lower wins an overlap: specific token formats before generic assignments. */
  priority: number;
}

/**
 * A cheap test that must pass before a pattern's (costlier) scan runs: substring checks on the text and
 * on its lower-case form (computed once per text), or a regex where no literal anchor exists.
 */
export type SecretHint = (text: string, lower: string) => boolean;

/** Builds a hint true when the text contains any of the literals (case-sensitive). */
function anyOf(...literals: string[]): SecretHint {
  return (text) => literals.some((literal) => text.includes(literal));
}

/** Builds a hint true when the lower-cased text contains any of the literals. */
function anyOfIgnoringCase(...literals: string[]): SecretHint {
  return (_text, lower) => literals.some((literal) => lower.includes(literal));
}

/** One of Palisade's own secret patterns. `scan` returns every candidate in a text. */
export interface SecretPattern {
  id: string;
  type: string;
  hint: SecretHint;
  scan(text: string): SecretCandidate[];
}

/** AWS's documented example credentials: redacted like any key, but marked as examples. */
const AWS_EXAMPLE_KEYS = new Set(['AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY']);

const PLACEHOLDER_VALUE =
  /^(?:\*+|x{3,}|X{3,}|\.{3}|…|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\$[A-Z_][A-Z0-9_]*|%s|%\([a-z_]+\)s|(?:your|my|the)[-_]?\w+|password|passwd|pass|pwd|secret|changeme|redacted|placeholder|example|null|undefined|none|true|false)$/i;

function isPlaceholderValue(value: string): boolean {
  return PLACEHOLDER_VALUE.test(value) || value.startsWith('[REDACTED:') || /^(?:process\.env|os\.environ|env\(|getenv)/i.test(value);
}

/** Words a template puts where the real value goes (`change-me`, `your-password-here`, `replace-with-…`). */
const TEMPLATE_WORDS = /^(?:(?:change|replace|fill|set|put|insert|enter|add)[-_ ]?(?:me|this|it|with|in|your|here)|your[-_ ]|(?:my|the|an?)[-_](?:api|secret|token|key|pass)|todo|fixme|tbd|dummy|fake|sample|example|placeholder|redacted|(?:test|dev|local)[-_]?(?:secret|password|token|key)?$)|[-_ ](?:here|goes[-_ ]here)$|^(.)\1{3,}$/i;

/**
 * Whether a value written after a secret's name is a template's stand-in rather than a credential:
 * empty, a known placeholder (`changeme`, `<token>`, `${VAR}`, `xxxx`), or template wording
 * (`change-me`, `your-password-here`, `replace-with-a-long-random-string`).
 */
export function isPlaceholderSecret(raw: string): boolean {
  const value = raw.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return value.length === 0 || isPlaceholderValue(value) || TEMPLATE_WORDS.test(value);
}

/** Character classes present: lower, upper, digit, other. */
function characterClasses(value: string): number {
  return (/[a-z]/.test(value) ? 1 : 0) + (/[A-Z]/.test(value) ? 1 : 0) + (/[0-9]/.test(value) ? 1 : 0) + (/[^A-Za-z0-9]/.test(value) ? 1 : 0);
}

/** A credential-looking value: long enough, several character classes, high entropy. */
function looksRandom(value: string, minLength: number, minEntropy: number): boolean {
  if (value.length < minLength) return false;
  if (characterClasses(value) < 2) return false;
  return shannonEntropy(value) >= minEntropy;
}

interface RegexPatternSpec {
  id: string;
  type: string;
  hint: SecretHint;
  regex: RegExp;
  /** Capture group holding the secret (0 = whole match). */
  group?: number;
  priority?: number;
  validate?: (value: string, text: string, index: number) => boolean;
  /** Detector id for a given value (e.g. example keys). */
  detectorFor?: (value: string) => string;
}

function regexPattern(spec: RegexPatternSpec): SecretPattern {
  const group = spec.group ?? 0;
  const flags = spec.regex.flags.includes('d') ? spec.regex.flags : `${spec.regex.flags}d`;
  const regex = new RegExp(spec.regex.source, flags.includes('g') ? flags : `${flags}g`);
  const detector = `palisade/${spec.id}`;
  return {
    id: spec.id,
    type: spec.type,
    hint: spec.hint,
    scan(text) {
      const found: SecretCandidate[] = [];
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(text)) !== null) {
        if (match[0].length === 0) regex.lastIndex += 1;
        const value = match[group];
        const indices = match.indices?.[group];
        if (value === undefined || indices === undefined || value.length === 0) continue;
        if (spec.validate && !spec.validate(value, text, indices[0])) continue;
        found.push({
          type: spec.type,
          start: indices[0],
          end: indices[1],
          detector: spec.detectorFor ? spec.detectorFor(value) : detector,
          priority: spec.priority ?? 10,
        });
      }
      return found;
    },
  };
}

const PUTTY_KEY = /PuTTY-User-Key-File-\d+:[^\n]*\n(?:[^\n]*\n){0,200}?Private-MAC: *[0-9a-f]+/g;
const AWS_SECRET_NAMED = /(?:aws.?secret.?access.?key|secret.?access.?key|aws.?secret(?:.?key)?)["']?\s*(?:=|:|=>)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi;
const PRIVATE_KEY_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY( BLOCK)?-----/g;
/** What a key body is made of, JSON-escaped newlines included, for keys cut off before their END line. */
const KEY_BODY = /^(?:[A-Za-z0-9+/=:,\s-]|\\[nr])*/;

/** PEM, OpenSSH, PKCS#8 (encrypted or not) and PGP private key blocks, and PuTTY key files. */
const privateKeyPattern: SecretPattern = {
  id: 'private-key',
  type: 'private_key',
  hint: anyOf('PRIVATE KEY', 'PuTTY-User-Key-File'),
  scan(text) {
    const found: SecretCandidate[] = [];
    PRIVATE_KEY_BEGIN.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = PRIVATE_KEY_BEGIN.exec(text)) !== null) {
      const start = match.index;
      const bodyStart = start + match[0].length;
      const endMarker = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
      endMarker.lastIndex = bodyStart;
      const end = endMarker.exec(text);
      let stop: number;
      if (end && !text.slice(bodyStart, end.index).includes('-----BEGIN ')) {
        stop = end.index + end[0].length;
      } else {
        stop = bodyStart + (KEY_BODY.exec(text.slice(bodyStart, bodyStart + 65536))?.[0].length ?? 0);
      }
      found.push({ type: 'private_key', start, end: stop, detector: 'palisade/private-key', priority: 0 });
      PRIVATE_KEY_BEGIN.lastIndex = stop;
    }
    for (const key of execAll(PUTTY_KEY, text)) {
      found.push({ type: 'private_key', start: key.index, end: key.index + key[0].length, detector: 'palisade/putty-private-key', priority: 0 });
    }
    return found;
  },
};

const AWS_ID_HINT = anyOf('AKIA', 'ASIA', 'ABIA', 'ACCA');
const AWS_ACCESS_KEY = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const AWS_SECRET_CANDIDATE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** 40-character AWS secret keys, found next to an access key id (within 300 characters) or by name. */
const awsSecretKeyPattern: SecretPattern = {
  id: 'aws-secret-key',
  type: 'aws_secret_key',
  hint: (text, lower) => AWS_ID_HINT(text, lower) || lower.includes('secret'),
  scan(text) {
    const found: SecretCandidate[] = [];
    const seen = new Set<number>();
    const push = (start: number, value: string): void => {
      if (seen.has(start)) return;
      seen.add(start);
      const detector = AWS_EXAMPLE_KEYS.has(value) ? `palisade/aws-secret-key${EXAMPLE_SECRET_SUFFIX}` : 'palisade/aws-secret-key';
      found.push({ type: 'aws_secret_key', start, end: start + value.length, detector, priority: 1 });
    };
    for (const match of execAll(AWS_SECRET_NAMED, text)) {
      const indices = match.indices?.[1];
      if (indices && match[1]) push(indices[0], match[1]);
    }
    AWS_ACCESS_KEY.lastIndex = 0;
    for (const id of execAll(AWS_ACCESS_KEY, text)) {
      const from = Math.max(0, id.index - 300);
      const window = text.slice(from, Math.min(text.length, id.index + id[0].length + 300));
      AWS_SECRET_CANDIDATE.lastIndex = 0;
      for (const candidate of execAll(AWS_SECRET_CANDIDATE, window)) {
        const value = candidate[0];
        if (AWS_EXAMPLE_KEYS.has(value) || (looksRandom(value, 40, 4.0) && /[0-9/+]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value))) {
          push(from + candidate.index, value);
        }
      }
    }
    return found;
  },
};

const CARD_HINT = /\d{4}[ -]?\d{4}[ -]?\d{4}/;
const CARD_CANDIDATE = /(?<![\d.,/:-])(?:\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{5}|\d{13,19})(?![\d.,/:-]?\d)/g;
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|22)|35)/;

/** Payment card numbers: plain or grouped digits with a card-network prefix that pass Luhn. */
const cardNumberPattern: SecretPattern = {
  id: 'card-number',
  type: 'card_number',
  hint: (text) => CARD_HINT.test(text),
  scan(text) {
    const found: SecretCandidate[] = [];
    CARD_CANDIDATE.lastIndex = 0;
    for (const match of execAll(CARD_CANDIDATE, text)) {
      const digits = match[0].replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19 || !CARD_PREFIX.test(digits) || !passesLuhn(digits)) continue;
      if (/^(\d)\1+$/.test(digits)) continue;
      found.push({ type: 'card_number', start: match.index, end: match.index + match[0].length, detector: 'palisade/card-number', priority: 5 });
    }
    return found;
  },
};

/** Starts at the key word (a literal alternation is fast to scan for); group 1 the key word, group 3 the value. */
const ASSIGNMENT_KEY =
  /(pass(?:word|wd|phrase)?|pwd|secret|api[_-]?key|apikey|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key|secret[_-]?key|token|credentials?)["']?\s*(?:=|:|=>|:=)\s*(["'`]?)([^\s"'`,;<>[\]{}()]{6,256})\2/dgi;

/** `password=…`, `api_key: "…"`, `client_secret => …` assignments whose value looks like a real credential. */
const assignmentPattern: SecretPattern = {
  id: 'secret-assignment',
  type: 'generic_secret',
  hint: anyOfIgnoringCase('pass', 'pwd', 'secret', 'key', 'token', 'credential'),
  scan(text) {
    const found: SecretCandidate[] = [];
    ASSIGNMENT_KEY.lastIndex = 0;
    for (const match of execAll(ASSIGNMENT_KEY, text)) {
      const name = (match[1] ?? '').toLowerCase();
      const indices = match.indices?.[3];
      if (!indices) continue;
      const value = (match[3] ?? '').replace(/[.,:]+$/, '');
      if (isPlaceholderValue(value)) continue;
      const isPassword = /pass|pwd/.test(name);
      if (/^(?:https?|ftp|file):/i.test(value) || /^[a-z]+(?:[-_][a-z]+)*$/.test(value)) continue;
      if (/^\d+$/.test(value) && !isPassword) continue;
      const strong = isPassword
        ? (value.length >= 8 && characterClasses(value) >= 3) || looksRandom(value, 12, 3.0)
        : looksRandom(value, 12, 3.0) && /\d/.test(value);
      if (!strong) continue;
      found.push({
        type: isPassword ? 'password' : 'generic_secret',
        start: indices[0],
        end: indices[0] + value.length,
        detector: 'palisade/secret-assignment',
        priority: 20,
      });
    }
    return found;
  },
};

/** Palisade's own patterns, most specific first. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  privateKeyPattern,
  regexPattern({
    id: 'aws-access-key',
    type: 'aws_access_key',
    hint: AWS_ID_HINT,
    regex: AWS_ACCESS_KEY,
    priority: 1,
    detectorFor: (value) => (AWS_EXAMPLE_KEYS.has(value) || value.endsWith('EXAMPLE') ? `palisade/aws-access-key${EXAMPLE_SECRET_SUFFIX}` : 'palisade/aws-access-key'),
  }),
  awsSecretKeyPattern,
  regexPattern({ id: 'github-token', type: 'github_token', hint: anyOf('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'), regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g, priority: 1 }),
  regexPattern({ id: 'gitlab-token', type: 'gitlab_token', hint: anyOf('glpat-'), regex: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/g, priority: 1 }),
  regexPattern({ id: 'slack-token', type: 'slack_token', hint: anyOf('xox'), regex: /(?<![A-Za-z0-9])xox[abposr]-(?:[0-9]+-)*[A-Za-z0-9-]{10,}/g, priority: 1 }),
  regexPattern({ id: 'slack-webhook', type: 'slack_webhook', hint: anyOf('hooks.slack.com'), regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g, priority: 1 }),
  regexPattern({ id: 'stripe-key', type: 'stripe_key', hint: anyOf('_live_', '_test_', 'whsec_'), regex: /(?<![A-Za-z0-9])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/]{24,})/g, priority: 1 }),
  regexPattern({ id: 'anthropic-api-key', type: 'anthropic_api_key', hint: anyOf('sk-ant-'), regex: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9]{2,8}-[A-Za-z0-9_-]{20,}/g, priority: 1 }),
  regexPattern({
    id: 'openai-api-key',
    type: 'openai_api_key',
    hint: anyOf('sk-'),
    regex: /(?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g,
    priority: 2,
    validate: (value) => looksRandom(value, 23, 3.2) && /\d/.test(value),
  }),
  regexPattern({ id: 'google-api-key', type: 'google_api_key', hint: anyOf('AIza'), regex: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, priority: 1 }),
  regexPattern({ id: 'google-oauth-token', type: 'google_oauth_token', hint: anyOf('ya29.', 'GOCSPX-'), regex: /(?<![A-Za-z0-9])(?:ya29\.[0-9A-Za-z_-]{20,}|GOCSPX-[A-Za-z0-9_-]{20,})/g, priority: 1 }),
  regexPattern({ id: 'npm-token', type: 'npm_token', hint: anyOf('npm_'), regex: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, priority: 1 }),
  regexPattern({ id: 'huggingface-token', type: 'huggingface_token', hint: anyOf('hf_'), regex: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])/g, priority: 1, validate: (value) => /\d|[A-Z]/.test(value.slice(3)) }),
  regexPattern({ id: 'sendgrid-api-key', type: 'sendgrid_api_key', hint: anyOf('SG.'), regex: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g, priority: 1 }),
  regexPattern({ id: 'twilio-api-key', type: 'twilio_api_key', hint: anyOf('SK'), regex: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/g, priority: 3 }),
  regexPattern({ id: 'digitalocean-token', type: 'digitalocean_token', hint: anyOf('_v1_'), regex: /(?<![A-Za-z0-9])do[opr]_v1_[a-f0-9]{64}/g, priority: 1 }),
  regexPattern({ id: 'azure-storage-key', type: 'azure_storage_key', hint: anyOf('AccountKey='), regex: /AccountKey=([A-Za-z0-9+/]{80,100}={0,2})/g, group: 1, priority: 1 }),
  regexPattern({
    id: 'jwt',
    type: 'jwt',
    hint: anyOf('eyJ'),
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    priority: 2,
  }),
  regexPattern({
    id: 'password-in-url',
    type: 'password_in_url',
    hint: (text) => text.includes('://') && text.includes('@'),
    // `#` is allowed in the password: written raw in connection strings far more often than encoded.
    regex: /:\/\/[^\s:@/?#'"<>]{0,128}:([^\s@/?'"<>]{1,256})@(?=[A-Za-z0-9[])/g,
    group: 1,
    priority: 2,
    validate: (value) => !isPlaceholderValue(value) && !isPlaceholderValue(safeDecode(value)),
  }),
  regexPattern({
    id: 'bearer-token',
    type: 'bearer_token',
    hint: anyOf('earer'),
    regex: /(?<![A-Za-z0-9])[Bb]earer\s+([A-Za-z0-9._~+/-]{16,}=*)/g,
    group: 1,
    priority: 4,
    validate: (value) => !isPlaceholderValue(value) && looksRandom(value, 16, 3.0) && /\d/.test(value),
  }),
  regexPattern({
    id: 'basic-auth-header',
    type: 'basic_auth',
    hint: anyOf('asic'),
    regex: /Authorization["']?\s*[:=]\s*["']?[Bb]asic\s+([A-Za-z0-9+/]{12,}={0,2})/g,
    group: 1,
    priority: 4,
  }),
  cardNumberPattern,
  assignmentPattern,
];

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
