import { findSecretsSync } from './find-secrets-sync.js';

/**
 * Replaces every secret in a text by its type (`[aws_access_key]`), for evidence an analyst reads. The
 * engine has no fingerprint key; secrets redacted at the edge already appear as fingerprints.
 */
export function maskSecrets(text: string): string {
  const matches = findSecretsSync(text);
  if (matches.length === 0) return text;
  const parts: string[] = [];
  let cursor = 0;
  for (const match of matches) {
    parts.push(text.slice(cursor, match.start), `[${match.type}]`);
    cursor = match.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}
