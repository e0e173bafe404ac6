import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { ApiRequest } from '../common/http.types.js';
import { PalisadeExceptionFilter } from '../common/palisade-exception.filter.js';
import { TokenService } from './token.service.js';

/** Paths that answer without a token (contract: only health). */
const PUBLIC_PATHS = new Set(['/api/health']);

/**
 * Authenticates every request but health before routing and before any body is read (createDetectorApp
 * mounts it ahead of the body parsers), so even an unknown path answers 401 without a valid token (no
 * endpoint, real or not, is discoverable anonymously) and no anonymous body is buffered. Permissions are
 * checked per route by the PermissionGuard.
 *
 * Every answer of the API is marked `no-store` (answers carry telemetry, evidence and, once, a new token's
 * secret: no browser or proxy cache may keep them) and `nosniff` (a download or a JSON body carrying
 * attacker-chosen text is never read as HTML).
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  private readonly filter = new PalisadeExceptionFilter();
  private readonly access = new Logger('access');

  constructor(private readonly tokens: TokenService) {}

  async use(req: ApiRequest, res: AuthenticatedResponse, next: (error?: unknown) => void): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    const pathname = (req.originalUrl ?? req.url).split('?')[0]!.replace(/\/+$/, '') || '/';
    const started = performance.now();
    // The access log names the caller by token name, never the token or any header.
    res.once?.('finish', () => this.access.debug(`${req.method} ${pathname} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms ${req.principal ? `${req.principal.name}(${req.principal.role})` : 'anonymous'}`));
    if (req.method === 'GET' && PUBLIC_PATHS.has(pathname)) {
      // Answered without a token; one that is valid makes the caller known (health then says more), one that is not is ignored.
      const principal = await this.tokens.authenticate(bearerOf(req)).catch(() => undefined);
      if (principal) req.principal = principal;
      return next();
    }
    try {
      req.principal = await this.tokens.authenticate(bearerOf(req));
      next();
    } catch (error) {
      const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) };
      this.filter.catch(error, host as never);
    }
  }
}

/** The part of the Express response the middleware uses. */
export interface AuthenticatedResponse {
  statusCode?: number;
  setHeader(name: string, value: string): unknown;
  once?(event: 'finish', listener: () => void): unknown;
}

function bearerOf(req: ApiRequest): string | undefined {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}
