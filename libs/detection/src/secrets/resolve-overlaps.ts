import { findRedactionPlaceholders } from './redaction-placeholder.js';
import type { SecretMatch } from './secret-match.js';
import type { SecretCandidate } from './secret.patterns.js';

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Turns raw candidates into non-overlapping matches sorted by position: on an overlap the more specific
 * pattern (lower priority number) wins, then the longer span. Anything overlapping a redaction
 * placeholder (`[REDACTED:…]`) is dropped: it was redacted already.
 */
export function resolveOverlaps(text: string, candidates: SecretCandidate[]): SecretMatch[] {
  if (candidates.length === 0) return [];
  const placeholders = findRedactionPlaceholders(text);
  const ordered = [...candidates].sort((a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const accepted: SecretCandidate[] = [];
  for (const candidate of ordered) {
    if (candidate.end <= candidate.start) continue;
    if (placeholders.some((p) => overlaps(p, candidate))) continue;
    if (accepted.some((a) => overlaps(a, candidate))) continue;
    accepted.push(candidate);
  }
  return accepted
    .sort((a, b) => a.start - b.start)
    .map(({ type, start, end, detector }) => ({ type, start, end, detector }));
}
