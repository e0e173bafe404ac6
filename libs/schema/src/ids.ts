import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/**
 * Cryptographic random bytes drawn from a pool refilled 4 KiB at a time. ulid's own generator asks the
 * CSPRNG for one byte per character (16 calls per id), a measurable share of the collector's CPU per
 * event. Each byte / 256 is uniform over the 32 Base32 characters ulid maps it to (256 = 8 x 32).
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const byte = pool[next] as number;
  next += 1;
  return byte / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/**
 * A new unique, time-sortable id (ULID), at a given time (ms since epoch) or now. Ids never go backwards
 * within a process: a time before the last id's gives that id incremented.
 */
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
