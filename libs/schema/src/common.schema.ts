import { z } from 'zod';
import { SEVERITIES } from './vocabulary.js';

/** ISO-8601 instant with a zone, as every Palisade timestamp is written (`2026-11-22T10:00:00.000Z`). */
export const IsoTimestamp = z.iso.datetime({ offset: true });

/** Identifier used in URLs and store keys: printable, no slashes, bounded. */
export const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s/\\]+$/, 'must not contain whitespace or slashes');

/** A server NAME as given to the collector with `--server`. */
export const ServerName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits, dot, underscore and dash');

/** A tool name as reported by an MCP server (MCP allows a broad set; bound it and forbid control chars). */
export const ToolName = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f/]+$/, 'must not contain control characters or slashes');

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function severityAtLeast(severity: Severity, floor: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[floor];
}
