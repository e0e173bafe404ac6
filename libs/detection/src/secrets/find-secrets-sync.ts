import { resolveOverlaps } from './resolve-overlaps.js';
import type { SecretMatch } from './secret-match.js';
import { SECRET_PATTERNS, type SecretCandidate } from './secret.patterns.js';

/**
 * Palisade's own secret patterns only (no secretlint): synchronous and fast, for the engine's hot path.
 * Returns non-overlapping matches sorted by position.
 */
export function findSecretsSync(text: string): SecretMatch[] {
  if (text.length < 8) return [];
  const candidates: SecretCandidate[] = [];
  const lower = text.toLowerCase();
  for (const pattern of SECRET_PATTERNS) {
    if (!pattern.hint(text, lower)) continue;
    for (const candidate of pattern.scan(text)) candidates.push(candidate);
  }
  return resolveOverlaps(text, candidates);
}
