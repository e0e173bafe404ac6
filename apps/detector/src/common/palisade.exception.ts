/** Error codes the detector's domain code raises; one filter maps them to HTTP (common/palisade-exception.filter.ts). */
export enum PalisadeErrorCode {
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  TooManyRequests = 'too_many_requests',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

/** The detector's typed exception: domain code throws it, never an HTTP type. */
export class PalisadeException extends Error {
  override readonly name = 'PalisadeException';

  constructor(
    readonly code: PalisadeErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  static notFound(what: string): PalisadeException {
    return new PalisadeException(PalisadeErrorCode.NotFound, `${what} not found`);
  }

  static tooManyRequests(message: string, details?: Record<string, unknown>): PalisadeException {
    return new PalisadeException(PalisadeErrorCode.TooManyRequests, message, details);
  }

  static badRequest(message: string, details?: Record<string, unknown>): PalisadeException {
    return new PalisadeException(PalisadeErrorCode.BadRequest, message, details);
  }
}
