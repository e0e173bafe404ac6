import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { describe, expect, it } from 'vitest';
import { API_CONTROLLERS } from '../detector.module.js';
import { openApiDocument } from './openapi.controller.js';

/** Every route the controllers declare, as `method /api/path/{param}`. */
function declaredRoutes(): string[] {
  const routes: string[] = [];
  for (const controller of API_CONTROLLERS) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      // A handler may serve several paths (a tool's path form and its query form).
      const subs = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
      for (const sub of subs) routes.push(`${method} /${[base, sub].filter((part) => part && part !== '/').join('/')}`.replace(/:(\w+)/g, '{$1}'));
    }
  }
  return routes.sort();
}

describe('the OpenAPI document', () => {
  it('describes every route the API serves, and no route it does not serve', () => {
    const documented = Object.entries(openApiDocument().paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    const declared = declaredRoutes();
    expect(declared.length).toBeGreaterThan(30);
    expect(documented).toEqual(declared);
  });
});

describe('the OpenAPI document of the exports and tokens lists', () => {
  type Operation = { parameters: { name: string; in: string; schema: Record<string, unknown> }[]; responses: Record<string, { content?: { 'application/json': { schema: { required: string[]; properties: Record<string, { items?: { properties: Record<string, unknown> } }> } } } }> };
  const operation = (path: string) => (openApiDocument().paths as Record<string, { get: Operation }>)[path]!.get;

  it('shows their paging parameters, the page they answer and the 400 of a bad query', () => {
    for (const [path, parameters, fields] of [
      ['/api/exports', ['state', 'from', 'to', 'limit', 'cursor'], ['id', 'state', 'startedAt', 'createdAt', 'progress']],
      ['/api/tokens', ['from', 'to', 'limit', 'cursor'], ['id', 'name', 'role', 'createdAt', 'revokedAt']],
    ] as const) {
      const get = operation(path);
      expect(get.parameters.map((p) => p.name).sort()).toEqual([...parameters].sort());
      expect(get.parameters.every((p) => p.in === 'query')).toBe(true);
      expect(get.parameters.find((p) => p.name === 'limit')!.schema).toMatchObject({ default: 50, minimum: 1, maximum: 500 });
      const page = get.responses['200']!.content!['application/json'].schema;
      expect(page.required).toEqual(['items', 'total']);
      expect(Object.keys(page.properties)).toEqual(['items', 'total', 'nextCursor']);
      expect(Object.keys(page.properties['items']!.items!.properties)).toEqual(expect.arrayContaining([...fields]));
      expect(page.properties['items']!.items!.properties).not.toHaveProperty('tokenHash');
      expect(get.responses).toHaveProperty('400');
    }
  });
});

describe('the OpenAPI document of a tool’s definition history', () => {
  type Operation = { parameters: { name: string; in: string; schema: Record<string, unknown> }[]; responses: Record<string, { content?: { 'application/json': { schema: { required: string[]; properties: Record<string, { items?: { required: string[] } }> } } } }> };
  const paths = () => openApiDocument().paths as Record<string, { get: Operation }>;

  it('pages the versions in both forms of the route, with limit and cursor beside the tool’s names', () => {
    for (const [path, names] of [
      ['/api/tools/{server}/{tool}/versions', ['server:path', 'tool:path']],
      ['/api/tool/versions', ['server:query', 'tool:query']],
    ] as const) {
      const get = paths()[path]!.get;
      expect(get.parameters.map((p) => `${p.name}:${p.in}`)).toEqual([...names, 'limit:query', 'cursor:query']);
      expect(get.parameters.find((p) => p.name === 'limit')!.schema).toMatchObject({ default: 50, minimum: 1, maximum: 500 });
      const page = get.responses['200']!.content!['application/json'].schema;
      expect(page.required).toEqual(['items', 'total']);
      expect(page.properties['items']!.items!.required).toEqual(expect.arrayContaining(['hash', 'definition', 'firstSeen', 'diff', 'pinnedDiff']));
      expect(get.responses).toHaveProperty('400');
    }
    const detail = paths()['/api/tools/{server}/{tool}']!.get.responses['200']!.content!['application/json'].schema;
    expect(Object.keys(detail.properties)).toEqual(expect.arrayContaining(['versions', 'versionsTotal', 'versionsNextCursor', 'pinned', 'pinnedDiff']));
  });
});
