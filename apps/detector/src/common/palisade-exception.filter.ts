import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { StoreError, StoreErrorCode } from '@palisade/store';
import { PalisadeErrorCode, PalisadeException } from './palisade.exception.js';

const STATUS: Record<PalisadeErrorCode, number> = {
  [PalisadeErrorCode.BadRequest]: 400,
  [PalisadeErrorCode.Unauthorized]: 401,
  [PalisadeErrorCode.Forbidden]: 403,
  [PalisadeErrorCode.NotFound]: 404,
  [PalisadeErrorCode.Conflict]: 409,
  [PalisadeErrorCode.PayloadTooLarge]: 413,
  [PalisadeErrorCode.TooManyRequests]: 429,
  [PalisadeErrorCode.Unavailable]: 503,
  [PalisadeErrorCode.Internal]: 500,
};

/** What a store failure means to the caller; the others (backend faults) are internal errors, logged. */
const STORE_CODES: Partial<Record<StoreErrorCode, PalisadeErrorCode>> = {
  [StoreErrorCode.InvalidCursor]: PalisadeErrorCode.BadRequest,
  [StoreErrorCode.InvalidRecord]: PalisadeErrorCode.BadRequest,
  [StoreErrorCode.Conflict]: PalisadeErrorCode.Conflict,
  [StoreErrorCode.Unavailable]: PalisadeErrorCode.Unavailable,
};

const CODE_BY_STATUS: Record<number, PalisadeErrorCode> = {
  400: PalisadeErrorCode.BadRequest,
  401: PalisadeErrorCode.Unauthorized,
  403: PalisadeErrorCode.Forbidden,
  404: PalisadeErrorCode.NotFound,
  409: PalisadeErrorCode.Conflict,
  413: PalisadeErrorCode.PayloadTooLarge,
  429: PalisadeErrorCode.TooManyRequests,
  503: PalisadeErrorCode.Unavailable,
};

/** The part of the Express request the filter uses. */
interface HttpRequest {
  path?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** The part of the Express response the filter uses. */
interface HttpResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/** Every error leaves the API as `{ "error": { "code", "message", "details"? } }`. */
@Catch()
export class PalisadeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    let status = 500;
    let body: { code: string; message: string; details?: Record<string, unknown> };
    // Nest hands a body the parser refused on as an HttpException caused by the parser's error.
    const parserError = isBodyParserError(exception) ? exception : exception instanceof HttpException && isBodyParserError(exception.cause) ? exception.cause : null;
    if (parserError) {
      status = parserError.status;
      body = { code: status === 413 ? PalisadeErrorCode.PayloadTooLarge : PalisadeErrorCode.BadRequest, message: bodyParserMessage(parserError, host.switchToHttp().getRequest<HttpRequest>()) };
    } else if (exception instanceof PalisadeException) {
      status = STATUS[exception.code];
      body = { code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const raw = exception.getResponse();
      const message = typeof raw === 'string' ? raw : ((raw as { message?: unknown }).message ?? exception.message);
      body = { code: CODE_BY_STATUS[status] ?? `http_${status}`, message: Array.isArray(message) ? message.join('; ') : String(message) };
    } else if (exception instanceof StoreError && STORE_CODES[exception.code]) {
      const code = STORE_CODES[exception.code]!;
      status = STATUS[code];
      body = { code, message: exception.message };
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      body = { code: PalisadeErrorCode.Internal, message: 'internal error' };
    }
    if (response.headersSent) return;
    response.status(status).json({ error: body });
  }
}

/**
 * What a body the parser refused means to the caller. The JSON parser's own message ("Unexpected token }
 * in JSON at position 21") names no field; NDJSON sent as application/json is parsed as one JSON document
 * and refused the same way, so ingest says which content type it needs, as it does for any other type.
 */
function bodyParserMessage(error: { type: string; message: string }, request: HttpRequest): string {
  if (error.type !== 'entity.parse.failed') return error.message;
  if (request.path === '/api/ingest') return `send NDJSON with content-type application/x-ndjson (got ${String(request.headers?.['content-type'] ?? 'none')})`;
  return `body: not valid JSON (${error.message})`;
}

function isBodyParserError(error: unknown): error is { status: number; message: string; type: string } {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number' && typeof (error as { type?: unknown }).type === 'string';
}
