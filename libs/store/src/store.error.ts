/** Why a store operation failed; the detector maps these codes to HTTP statuses in one place. */
export enum StoreErrorCode {
  /** A cursor that this adapter did not issue, or one issued for another sort order. */
  InvalidCursor = 'invalid_cursor',
  /** A record that cannot be stored as given (a timestamp that is not ISO-8601, a missing key…). */
  InvalidRecord = 'invalid_record',
  /** A unique key already taken (a token id or token hash). */
  Conflict = 'conflict',
  /** The database was written by a newer Palisade than this one. */
  SchemaTooNew = 'schema_too_new',
  /** The backend refused or failed the request after the retries it was allowed. */
  Unavailable = 'unavailable',
  /** The backend answered something this adapter does not understand. */
  Backend = 'backend',
}

/** The store's typed exception: one readable line, a code to branch on, the cause kept for the log. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
