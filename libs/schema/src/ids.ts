import { monotonicFactory } from 'ulid';
import { canonicalJson, sha256Hex } from './canonical-json.js';

const nextUlid = monotonicFactory();

/** A new unique, time-sortable id (ULID), optionally at a given time (ms since epoch). */
export function newId(timeMs?: number): string {
  return nextUlid(timeMs);
}

/**
 * A deterministic id from its parts: the same rule, version and triggering events always give the same
 * alert id, so a replay never duplicates an alert.
 */
export function deterministicId(prefix: string, ...parts: unknown[]): string {
  return `${prefix}_${sha256Hex(canonicalJson(parts)).slice(0, 32)}`;
}
