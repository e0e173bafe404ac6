import type { Finding } from '@palisade/schema';
import { findSecretsInTexts } from './find-secrets.js';
import { findSecretsSync } from './find-secrets-sync.js';
import { fingerprintSecret } from './fingerprint-secret.js';
import { redactionPlaceholder } from './redaction-placeholder.js';
import type { SecretMatch } from './secret-match.js';

export interface RedactOptions {
  /** The install's HMAC key for fingerprints. */
  key: string | Buffer;
  /** Which part of the message the value is (recorded on each finding). */
  where: 'request' | 'response';
  /** Add the secretlint preset to Palisade's own patterns (default true for `redactSecrets`). */
  thorough?: boolean;
  /** Characters scanned at most (default 4 MiB); strings beyond it are withheld, never passed on raw. */
  maxScanChars?: number;
  /** Depth walked at most (default 64); deeper values are withheld. */
  maxDepth?: number;
}

export interface RedactResult {
  /** A copy of the input with every secret replaced by `[REDACTED:<type>:<fingerprint>]`. */
  value: unknown;
  findings: Finding[];
  /** Strings (or subtrees) withheld unscanned because a bound was reached; 0 normally. */
  withheld: number;
}

const DEFAULT_MAX_SCAN_CHARS = 4 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 64;
const MAX_FINDINGS = 200;

/** What replaces a string or subtree that was not scanned because a bound was reached. */
export function withheldPlaceholder(length: number): string {
  return `[WITHHELD:unscanned:${length}]`;
}

/** A secret found in an object key. */
type KeySecret = Pick<Finding, 'type' | 'fingerprint'> & { detector: string };

/** An object key with each secret in it replaced by its typed placeholder, and what was replaced. */
function redactKey(key: string, hmacKey: string | Buffer): { key: string; secrets: KeySecret[] } {
  if (key.length < 12) return { key, secrets: [] };
  let redacted = key;
  const secrets: KeySecret[] = [];
  for (const m of findSecretsSync(key).reverse()) {
    const fingerprint = fingerprintSecret(hmacKey, key.slice(m.start, m.end));
    redacted = redacted.slice(0, m.start) + redactionPlaceholder(m.type, fingerprint) + redacted.slice(m.end);
    secrets.unshift({ type: m.type, fingerprint, detector: m.detector });
  }
  return { key: redacted, secrets };
}

/** RFC 6901 JSON pointer segment for an (already redacted) object key. */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface ScanSlot {
  text: string;
  path: string;
  /** Assigns the redacted text back into the copy. */
  assign: (text: string) => void;
  /** The original leaf was a number (a card number as a JSON number). */
  numeric: boolean;
}

/**
 * First pass: copies the value (never mutating the input) and collects every string leaf to scan,
 * within the character and depth bounds; what lies beyond them is replaced by a withheld marker.
 */
function collect(value: unknown, options: Required<Pick<RedactOptions, 'maxScanChars' | 'maxDepth' | 'key' | 'where'>>) {
  const slots: ScanSlot[] = [];
  const keyFindings: Finding[] = [];
  let budget = options.maxScanChars;
  let withheld = 0;

  const visit = (node: unknown, path: string, depth: number, assign: (v: unknown) => void): unknown => {
    if (typeof node === 'string') {
      if (node.length > budget) {
        withheld += 1;
        return withheldPlaceholder(node.length);
      }
      budget -= node.length;
      if (node.length >= 8) slots.push({ text: node, path, numeric: false, assign: (text) => assign(text) });
      return node;
    }
    if (typeof node === 'number') {
      if (Number.isInteger(node) && Math.abs(node) >= 1e12) {
        slots.push({ text: String(node), path, numeric: true, assign: (text) => assign(text) });
      }
      return node;
    }
    if (node === null || typeof node !== 'object') return node;
    if (depth >= options.maxDepth) {
      withheld += 1;
      return withheldPlaceholder(0);
    }
    if (Array.isArray(node)) {
      const copy: unknown[] = new Array(node.length);
      node.forEach((item, index) => {
        copy[index] = visit(item, `${path}/${index}`, depth + 1, (v) => {
          copy[index] = v;
        });
      });
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const [raw, item] of Object.entries(node as Record<string, unknown>)) {
      // Keys are captured text too: a map keyed by credentials (an env dump, a token table) is redacted like its values.
      const { key, secrets } = redactKey(raw, options.key);
      const itemPath = `${path}/${pointerSegment(key)}`;
      for (const secret of secrets) keyFindings.push({ type: secret.type, fingerprint: secret.fingerprint, where: options.where, path: itemPath, detector: secret.detector });
      copy[key] = visit(item, itemPath, depth + 1, (v) => {
        copy[key] = v;
      });
    }
    return copy;
  };

  let root: unknown;
  root = visit(value, '', 0, (v) => {
    root = v;
  });
  return { slots, withheld, keyFindings, getRoot: () => root };
}

/** Second pass: rebuilds the string with each match replaced, and records a finding per match. */
function applyMatches(slot: ScanSlot, matches: readonly SecretMatch[], options: RedactOptions, findings: Finding[]): void {
  if (matches.length === 0) return;
  if (slot.numeric && !matches.some((m) => m.start === 0 && m.end === slot.text.length)) return;
  const parts: string[] = [];
  let cursor = 0;
  for (const match of matches) {
    const fingerprint = fingerprintSecret(options.key, slot.text.slice(match.start, match.end));
    parts.push(slot.text.slice(cursor, match.start), redactionPlaceholder(match.type, fingerprint));
    cursor = match.end;
    if (findings.length < MAX_FINDINGS) {
      findings.push({ type: match.type, fingerprint, where: options.where, path: slot.path, detector: match.detector });
    }
  }
  parts.push(slot.text.slice(cursor));
  slot.assign(parts.join(''));
}

function boundsOf(options: RedactOptions) {
  return { key: options.key, where: options.where, maxScanChars: options.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS, maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH };
}


/**
 * Walks a JSON value (strings and object keys at any depth) and replaces every secret with
 * `[REDACTED:<type>:<fingerprint>]`, returning the findings (type, fingerprint, where, JSON-pointer path,
 * detector). Never returns a raw secret, never mutates its input; work is bounded by `maxScanChars` and
 * `maxDepth` (what lies beyond is withheld, not passed on raw). `thorough` (default) adds secretlint.
 */
export async function redactSecrets(value: unknown, options: RedactOptions): Promise<RedactResult> {
  if (options.thorough === false) return redactSecretsSync(value, options);
  const { slots, withheld, keyFindings, getRoot } = collect(value, boundsOf(options));
  const findings: Finding[] = keyFindings.slice(0, MAX_FINDINGS);
  const matches = slots.length > 0 ? await findSecretsInTexts(slots.map((s) => s.text)) : [];
  slots.forEach((slot, index) => applyMatches(slot, matches[index] ?? [], options, findings));
  return { value: getRoot(), findings, withheld };
}

/** `redactSecrets` with Palisade's own patterns only: synchronous and fast. */
export function redactSecretsSync(value: unknown, options: RedactOptions): RedactResult {
  const { slots, withheld, keyFindings, getRoot } = collect(value, boundsOf(options));
  const findings: Finding[] = keyFindings.slice(0, MAX_FINDINGS);
  for (const slot of slots) applyMatches(slot, findSecretsSync(slot.text), options, findings);
  return { value: getRoot(), findings, withheld };
}
