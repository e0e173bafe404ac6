import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { NamedToolQuery } from '@palisade/schema';
import type { ApiRequest } from './http.types.js';
import { zod } from './zod-validation.pipe.js';

const named = zod(NamedToolQuery);

/**
 * The tool a route acts on, from either of its two forms: the path form `/api/tools/:server/:tool…` names it
 * in path segments; the query form `/api/tool…?server=&tool=` in the query, where `.` and `..` (dot segments,
 * removed from a path by every client) survive. Both are validated alike.
 */
export const NamedTool = createParamDecorator((_data: unknown, context: ExecutionContext): NamedToolQuery => {
  const request = context.switchToHttp().getRequest<ApiRequest>();
  const { server, tool } = request.params ?? {};
  if (server !== undefined && tool !== undefined) return named.transform({ server, tool });
  return named.transform(request.query, { type: 'query' });
});
