import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { NamedToolQuery } from '@palisade/schema';
import type { z } from 'zod';
import type { ApiRequest } from './http.types.js';
import { zod } from './zod-validation.pipe.js';

const named = zod(NamedToolQuery);

/** The request's query without some keys (those another parameter of the route reads). */
function queryWithout(request: ApiRequest, keys: readonly string[]): Record<string, unknown> {
  const query = typeof request.query === 'object' && request.query !== null ? { ...(request.query as Record<string, unknown>) } : {};
  for (const key of keys) delete query[key];
  return query;
}

/** Whether the request names its tool in the path (`/api/tools/:server/:tool…`) rather than in the query. */
function inPath(request: ApiRequest): boolean {
  return request.params?.['server'] !== undefined && request.params['tool'] !== undefined;
}

/**
 * The tool a route acts on, from either of its two forms: the path form `/api/tools/:server/:tool…` names it
 * in path segments; the query form `/api/tool…?server=&tool=` in the query, where `.` and `..` (dot segments,
 * removed from a path by every client) survive. Both are validated alike.
 */
export const NamedTool = createParamDecorator((otherKeys: readonly string[] | undefined, context: ExecutionContext): NamedToolQuery => {
  const request = context.switchToHttp().getRequest<ApiRequest>();
  const { server, tool } = request.params ?? {};
  if (server !== undefined && tool !== undefined) return named.transform({ server, tool });
  // The keys a route's own query reads (`ToolRouteQuery`) are left to it: the rest must be the tool's name.
  return named.transform(queryWithout(request, otherKeys ?? []), { type: 'query' });
});

/**
 * The query of a route on one tool beside its name (a page's `limit` and `cursor`), validated with `schema`;
 * in the query form `server` and `tool` are `NamedTool`'s and left out. Pair with `NamedTool(<schema's keys>)`.
 */
export function ToolRouteQuery(schema: z.ZodType): ParameterDecorator {
  // Wrapped: Nest takes a decorator argument with a `transform` method (a zod schema has one) for a pipe,
  // and `{ schema }` for its own validation options.
  return toolRouteQuery({ query: schema });
}

const toolRouteQuery = createParamDecorator(({ query }: { query: z.ZodType }, context: ExecutionContext): unknown => {
  const request = context.switchToHttp().getRequest<ApiRequest>();
  return zod(query).transform(queryWithout(request, inPath(request) ? [] : ['server', 'tool']), { type: 'query' });
});
