import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRequest } from '../common/http.types.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import { PERMISSION_KEY, PUBLIC_KEY } from './permission.decorator.js';
import { type Permission, roleAllows } from './principal.js';

/** Every route needs a permission (deny by default); the principal was set by AuthenticationMiddleware. */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const principal = request.principal;
    if (!principal) throw new PalisadeException(PalisadeErrorCode.Unauthorized, 'missing bearer token');
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) throw new PalisadeException(PalisadeErrorCode.Forbidden, 'this route declares no permission');
    if (!roleAllows(principal.role, permission)) {
      throw new PalisadeException(PalisadeErrorCode.Forbidden, `role ${principal.role} may not ${permission.replace('_', ' ')}`);
    }
    return true;
  }
}
