import { createHash } from 'node:crypto';
import { type ExportManifest, canonicalJson } from '@palisade/schema';
import type { Options as StringifyOptions } from 'csv-stringify';

export const MANIFEST_FILE = 'manifest.json';

/** Files of a bundle, in the order the manifest lists them. */
export function bundleFiles(format: 'ndjson' | 'csv'): string[] {
  const ext = format === 'csv' ? 'csv' : 'ndjson';
  return [`events.${ext}`, `alerts.${ext}`, 'alerts.ocsf.json', `incidents.${ext}`, `audit.${ext}`];
}

/** The fingerprint an install publishes for its export key: `sha256:` and the hex SHA-256 of the DER public key. */
export function keyFingerprint(publicKeyBase64: string): string {
  return `sha256:${createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex')}`;
}

/** What the signature covers: the canonical manifest without its signature fields. */
export function signedManifestBytes(manifest: ExportManifest & { publicKey?: string }): Buffer {
  const { signature: _s, ...rest } = manifest;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/**
 * Characters that make a spreadsheet read a cell as a formula when they come first (OWASP "CSV
 * injection": = + - @, tab, carriage return; line feed and NUL too, and the full-width = + - @ that
 * Apple Numbers folds to ASCII). After any leading apostrophes, so that guarding stays reversible.
 */
const FORMULA_START = /^'*[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * How bundle files are written as CSV: a text that a spreadsheet would run as a formula (a tool name
 * `=HYPERLINK(…)` sent by a monitored server) gets a leading apostrophe, which spreadsheets read as "this
 * is text", and is quoted. Numbers are not text and are left alone.
 */
export const BUNDLE_CSV_OPTIONS = {
  cast: { string: (value: string) => (FORMULA_START.test(value) ? { value: `'${value}`, quoted: true } : value) },
} satisfies StringifyOptions;

/** The text a guarded cell holds (what was given to the CSV writer): the verifier re-hashes audit entries from it. */
export function unguardCsvCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** Audit log columns in CSV bundles; `details` and `actor` are JSON so entries can be re-hashed. */
export const AUDIT_CSV_COLUMNS = ['seq', 'ts', 'actor', 'action', 'target', 'details', 'source', 'prevHash', 'hash'] as const;
