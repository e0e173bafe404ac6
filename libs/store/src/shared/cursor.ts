import { StoreError, StoreErrorCode } from '../store.error.js';

export type CursorValue = string | number;
export type CursorShape = readonly ('string' | 'number')[];

/**
 * Opaque keyset cursors: base64url of `[list, ...sort key of the last item]`. The list tag keeps a
 * cursor issued for one list or sort order from being used with another.
 */
export function encodeCursor(list: string, values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify([list, ...values]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, list: string, shape: CursorShape): CursorValue[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  const fits =
    Array.isArray(decoded) &&
    decoded.length === shape.length + 1 &&
    decoded[0] === list &&
    shape.every((type, index) => typeof decoded[index + 1] === type && (type === 'string' || Number.isFinite(decoded[index + 1])));
  if (!fits) throw new StoreError(StoreErrorCode.InvalidCursor, `cursor is not valid for the ${list} list`);
  return (decoded as CursorValue[]).slice(1);
}
