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
