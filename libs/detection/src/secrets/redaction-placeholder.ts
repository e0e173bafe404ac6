import { execAll } from '../text/exec-all.js';

/** Text that replaces a redacted secret: `[REDACTED:<type>:<fingerprint>]`. */
export function redactionPlaceholder(type: string, fingerprint: string): string {
  return `[REDACTED:${type}:${fingerprint}]`;
}

/** Matches every redaction placeholder; group 1 is the type, group 2 the fingerprint. */
export const REDACTION_PLACEHOLDER_PATTERN = /\[REDACTED:([a-z0-9_]{1,80}):([0-9a-f]{4,64})\]/g;

export interface RedactionPlaceholder {
  type: string;
  fingerprint: string;
  start: number;
  end: number;
}

/** Every `[REDACTED:type:fp]` placeholder in a text (left by the collector's edge redaction). */
export function findRedactionPlaceholders(text: string): RedactionPlaceholder[] {
  if (!text.includes('[REDACTED:')) return [];
  const found: RedactionPlaceholder[] = [];
  for (const match of execAll(REDACTION_PLACEHOLDER_PATTERN, text)) {
    found.push({ type: match[1] ?? '', fingerprint: match[2] ?? '', start: match.index, end: match.index + match[0].length });
  }
  return found;
}
