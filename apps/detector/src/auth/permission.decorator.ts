import { SetMetadata } from '@nestjs/common';
import type { Permission } from './principal.js';

export const PERMISSION_KEY = 'palisade:permission';
export const PUBLIC_KEY = 'palisade:public';

/** The permission a route needs (see auth/principal.ts for which roles have it). */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator => SetMetadata(PERMISSION_KEY, permission);

/** A route that answers without a token. Only `GET /api/health` is. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
