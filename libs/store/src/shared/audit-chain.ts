import { AuditEntryInput, computeAuditHash, describeZodError, type AuditEntry } from '@palisade/schema';
import { StoreError, StoreErrorCode } from '../store.error.js';

/** Where the chain ends: the last sequence number appended and its hash (genesis: 0 and zeros). */
export interface AuditChainEnd {
  seq: number;
  hash: string;
}

/**
 * Half a surrogate pair, as a monitored server can send in a tool name (`"\ud800"` in its JSON): JSON
 * keeps it as an escape, but UTF-8 cannot hold it, so the entry written to a CSV bundle would read back
 * as U+FFFD and no longer match its hash.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(LONE_SURROGATE, '\ufffd') : value;
}

/**
 * Links entries to the end of the chain: validates each input (defaults applied), normalises it to what
 * every bundle format keeps (JSON, with half surrogate pairs as U+FFFD like UTF-8), so the hash computed
 * here is the hash of what is stored, read back and exported, and assigns `seq`, `prevHash` and `hash`.
 * The caller must hold the chain's write lock.
 */
export function linkAuditEntries(end: AuditChainEnd, inputs: readonly AuditEntryInput[]): AuditEntry[] {
  let { seq, hash: prevHash } = end;
  return inputs.map((input) => {
    const parsed = AuditEntryInput.safeParse(input);
    if (!parsed.success) throw new StoreError(StoreErrorCode.InvalidRecord, `audit entry: ${describeZodError(parsed.error)}`);
    seq += 1;
    const linked = { ...(JSON.parse(JSON.stringify(parsed.data, wellFormed)) as typeof parsed.data), seq, prevHash };
    const entry: AuditEntry = { ...linked, hash: computeAuditHash(linked) };
    prevHash = entry.hash;
    return entry;
  });
}
