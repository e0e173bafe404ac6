import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, AuditChainVerifier, type AuditEntry, computeAuditHash, verifyAuditChain } from './audit.schema.js';

function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = AUDIT_GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const body = {
      seq,
      ts: new Date(Date.UTC(2026, 10, 22, 10, 0, seq)).toISOString(),
      actor: { type: 'user' as const, id: 'alice', role: 'analyst' as const },
      action: 'tool.quarantine',
      target: `tool:mail/send_email#${seq}`,
      details: { reason: 'poisoned' },
      prevHash,
    };
    const hash = computeAuditHash(body);
    entries.push({ ...body, hash });
    prevHash = hash;
  }
  return entries;
}

describe('verifyAuditChain', () => {
  it('accepts an intact chain and returns its head', () => {
    const entries = chain(5);
    expect(verifyAuditChain(entries, AUDIT_GENESIS_HASH)).toEqual({ ok: true, head: entries[4]!.hash, count: 5 });
  });

  it('names an altered entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, details: { reason: 'benign' } };
    expect(verifyAuditChain(entries, AUDIT_GENESIS_HASH)).toMatchObject({ ok: false, seq: 3 });
  });

  it('names a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    const result = verifyAuditChain(entries, AUDIT_GENESIS_HASH);
    expect(result).toMatchObject({ ok: false, seq: 3 });
  });

  it('names two reordered entries', () => {
    const entries = chain(5);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    expect(verifyAuditChain(entries, AUDIT_GENESIS_HASH)).toMatchObject({ ok: false, seq: 3 });
  });
});

describe(AuditChainVerifier.name, () => {
  it('checks a run one entry at a time: the head so far, and the first entry that does not chain', () => {
    const entries = chain(5);
    const walk = new AuditChainVerifier(AUDIT_GENESIS_HASH);
    expect(walk.head).toBe(AUDIT_GENESIS_HASH);
    expect(entries.slice(0, 3).map((entry) => walk.next(entry))).toEqual([null, null, null]);
    expect({ head: walk.head, count: walk.count }).toEqual({ head: entries[2]!.hash, count: 3 });
    expect(walk.next(entries[4]!)).toEqual({ seq: 5, reason: 'expected audit entry 4, found 5 (removed or reordered)' });
    expect(walk.next({ ...entries[3]!, target: 'tool:mail/other' })).toEqual({ seq: 4, reason: 'audit entry 4 was altered (hash mismatch)' });
    expect(walk.next(entries[3]!)).toBeNull();
  });

  it('starts from the first entry’s own prevHash when given none', () => {
    const entries = chain(4).slice(2);
    const walk = new AuditChainVerifier();
    expect(walk.next(entries[0]!)).toBeNull();
    expect(walk.next({ ...entries[1]!, prevHash: AUDIT_GENESIS_HASH })).toEqual({ seq: 4, reason: 'audit entry 4 does not chain to the previous entry' });
  });
});
