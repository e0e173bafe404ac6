import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { ApiRequest } from './http.types.js';

/** The authenticated caller (set by AuthenticationMiddleware). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<ApiRequest>().principal;
  if (!principal) throw new Error('route reached without a principal');
  return principal;
});

/** The caller's address, for audit entries. */
export const ClientAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const request = context.switchToHttp().getRequest<ApiRequest>();
  return request.ip ?? request.socket?.remoteAddress;
});
