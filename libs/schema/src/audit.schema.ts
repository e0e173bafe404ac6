import { z } from 'zod';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { IsoTimestamp, Sha256Hex } from './common.schema.js';

/** Hash the first audit entry chains to. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export const AuditActor = z.object({
  /** `user` (an API token holder), `system` (automatic containment, schedules), `collector`. */
  type: z.enum(['user', 'system', 'collector']),
  /** Token name or user id; `palisade` for the system. Never a token. */
  id: z.string().min(1).max(200),
  role: z.enum(['admin', 'analyst', 'auditor', 'collector']).optional(),
  /** The id of the API token used (names are unique among live tokens only; the id never repeats). */
  tokenId: z.string().min(1).max(80).optional(),
});
export type AuditActor = z.infer<typeof AuditActor>;

/** What is appended: the store assigns `seq`, `prevHash` and `hash`. */
export const AuditEntryInput = z.object({
  ts: IsoTimestamp,
  actor: AuditActor,
  /** Dotted verb: `incident.update`, `tool.quarantine`, `tool.release`, `tool.approve`, `baseline.update`, `rule.update`, `webhook.delivery`, `export.create`, `token.create`… */
  action: z.string().min(1).max(100),
  /** What the action was about (`incident:ID`, `tool:SERVER/TOOL`, `rule:ID`…). */
  target: z.string().max(500),
  /** Readable details; never a raw secret or token. */
  details: z.record(z.string(), z.unknown()).default({}),
  /** Client address for API calls. */
  source: z.string().max(200).optional(),
});
export type AuditEntryInput = z.input<typeof AuditEntryInput>;

/** An append-only, hash-chained audit entry: `hash` = SHA-256 of the canonical entry including `prevHash`. */
export const AuditEntry = AuditEntryInput.extend({
  seq: z.number().int().positive(),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Computes the hash of an entry from every field but `hash`. */
export function computeAuditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, ts, actor, action, target, details, source, prevHash } = entry;
  return sha256Hex(canonicalJson({ seq, ts, actor, action, target, details, source, prevHash }));
}

export type AuditChainCheck = { ok: true; head: string; count: number } | { ok: false; seq: number; reason: string };

/**
 * Verifies a run of consecutive audit entries one at a time, so that a run too long to hold (a bundle's
 * audit file) is checked as it is read: sequence numbers without gaps, each hash recomputed, each
 * `prevHash` equal to the previous entry's hash. `startPrevHash` is the hash the first entry must chain to
 * (the genesis hash when the run starts at seq 1; without it, the first entry's own `prevHash`).
 */
export class AuditChainVerifier {
  private prev: string | undefined;
  private expectedSeq: number | undefined;
  private entries = 0;

  constructor(startPrevHash?: string) {
    this.prev = startPrevHash;
  }

  /** The next entry of the run: null when it chains, otherwise its sequence number and what is wrong. */
  next(entry: AuditEntry): { seq: number; reason: string } | null {
    const expectedSeq = this.expectedSeq ?? entry.seq;
    if (entry.seq !== expectedSeq) return { seq: entry.seq, reason: `expected audit entry ${expectedSeq}, found ${entry.seq} (removed or reordered)` };
    if (entry.prevHash !== (this.prev ?? entry.prevHash)) return { seq: entry.seq, reason: `audit entry ${entry.seq} does not chain to the previous entry` };
    const { hash, ...rest } = entry;
    if (computeAuditHash(rest) !== hash) return { seq: entry.seq, reason: `audit entry ${entry.seq} was altered (hash mismatch)` };
    this.prev = hash;
    this.expectedSeq = expectedSeq + 1;
    this.entries += 1;
    return null;
  }

  /** The hash the entries so far end at: the hash the run started from while there are none. */
  get head(): string {
    return this.prev ?? AUDIT_GENESIS_HASH;
  }

  /** Entries that chained so far. */
  get count(): number {
    return this.entries;
  }
}

/** Verifies a whole run of consecutive audit entries, as `AuditChainVerifier` does one at a time. */
export function verifyAuditChain(entries: readonly AuditEntry[], startPrevHash?: string): AuditChainCheck {
  const chain = new AuditChainVerifier(startPrevHash);
  for (const entry of entries) {
    const problem = chain.next(entry);
    if (problem) return { ok: false, ...problem };
  }
  return { ok: true, head: chain.head, count: chain.count };
}
