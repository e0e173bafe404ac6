import { AuditEntryInput, computeAuditHash, describeZodError, type AuditEntry } from '@palisade/schema';
import { StoreError, StoreErrorCode } from '../store.error.js';

/** Where the chain ends: the last sequence number appended and its hash (genesis: 0 and zeros). */
export interface AuditChainEnd {
  seq: number;
  hash: string;
}

/**
 * Links entries to the end of the chain: validates each input (defaults applied), normalises it to what
 * JSON keeps, so the hash computed here is the hash of what is stored and read back, and assigns
 * `seq`, `prevHash` and `hash`. The caller must hold the chain's write lock.
 */
export function linkAuditEntries(end: AuditChainEnd, inputs: readonly AuditEntryInput[]): AuditEntry[] {
  let { seq, hash: prevHash } = end;
  return inputs.map((input) => {
    const parsed = AuditEntryInput.safeParse(input);
    if (!parsed.success) throw new StoreError(StoreErrorCode.InvalidRecord, `audit entry: ${describeZodError(parsed.error)}`);
    seq += 1;
    const linked = { ...(JSON.parse(JSON.stringify(parsed.data)) as typeof parsed.data), seq, prevHash };
    const entry: AuditEntry = { ...linked, hash: computeAuditHash(linked) };
    prevHash = entry.hash;
    return entry;
  });
}
