import { createHash } from 'node:crypto';
import { type ExportManifest, canonicalJson } from '@palisade/schema';

export const MANIFEST_FILE = 'manifest.json';

/** Files of a bundle, in the order the manifest lists them. */
export function bundleFiles(format: 'ndjson' | 'csv'): string[] {
  const ext = format === 'csv' ? 'csv' : 'ndjson';
  return [`events.${ext}`, `alerts.${ext}`, 'alerts.ocsf.json', `incidents.${ext}`, `audit.${ext}`];
}

export function sha256File(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
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

/** Audit log columns in CSV bundles; `details` and `actor` are JSON so entries can be re-hashed. */
export const AUDIT_CSV_COLUMNS = ['seq', 'ts', 'actor', 'action', 'target', 'details', 'source', 'prevHash', 'hash'] as const;
