import { StoreError, StoreErrorCode } from '../store.error.js';

/** Milliseconds since the epoch of an ISO-8601 instant; a record with a bad instant is refused, loudly. */
export function instantMs(iso: string, what: string): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) throw new StoreError(StoreErrorCode.InvalidRecord, `${what} is not an ISO-8601 instant: ${JSON.stringify(iso)?.slice(0, 60)}`);
  return ms;
}

/** The bounds of an optional `[from, to)` filter in milliseconds (absent bounds are open). */
export function rangeMs(range: { from?: string | undefined; to?: string | undefined }): { fromMs?: number; toMs?: number } {
  return {
    ...(range.from !== undefined ? { fromMs: instantMs(range.from, 'from') } : {}),
    ...(range.to !== undefined ? { toMs: instantMs(range.to, 'to') } : {}),
  };
}
