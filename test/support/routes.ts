import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { TestApp } from './app';
import { PERMISSION_KEY, PUBLIC_KEY } from '../../src/common/decorators';
import { Permission } from '../../src/common/permissions';

export interface Route {
  method: string;
  path: string;
  /** undefined: the route declares neither @Public() nor @RequirePermission() */
  access?: { public: true } | { permission: Permission };
  handler: string;
}

export const DUMMY_ID = '00000000-0000-4000-8000-000000000000';
// SwaggerModule serves the API documentation straight from the HTTP adapter, outside Nest's guards: public by design
export const DOCUMENTATION = /^\/api\/docs(-json|-yaml)?(\/|$)/;

/**
 * Every route the running app registered, with the access rule its handler declares. Read from the Express
 * router (what is actually served) and matched to Nest's handler metadata (what the code declares).
 */
export function registeredRoutes(t: TestApp): { routes: Route[]; unmatched: string[] } {
  const declared: Array<{ method: string; paths: string[]; access?: Route['access']; handler: string }> = [];
  const scanner = new MetadataScanner();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      if (!ctrl) continue;
      const ctrlPaths = [Reflect.getMetadata(PATH_METADATA, ctrl) ?? ''].flat() as string[];
      for (const name of scanner.getAllMethodNames(ctrl.prototype)) {
        const fn = ctrl.prototype[name];
        const methodPath = Reflect.getMetadata(PATH_METADATA, fn);
        if (methodPath === undefined) continue;
        const isPublic = Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, ctrl);
        const permission = Reflect.getMetadata(PERMISSION_KEY, fn) ?? Reflect.getMetadata(PERMISSION_KEY, ctrl);
        const paths = ctrlPaths.flatMap((c) =>
          ([methodPath].flat() as string[]).map((m) =>
            ['', c, m]
              .join('/')
              .replace(/\/+/g, '/')
              .replace(/(.)\/$/, '$1'),
          ),
        );
        declared.push({
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number],
          paths,
          access: isPublic ? { public: true } : permission ? { permission } : undefined,
          handler: `${ctrl.name}.${name}`,
        });
      }
    }
  }

  const routes: Route[] = [];
  const unmatched: string[] = [];
  const express = t.app.getHttpAdapter().getInstance();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const handles: Array<{ method: string; name: string }> = layer.route.stack.map((h: { method?: string; handle: { name: string } }) => ({
      method: (h.method ?? '').toUpperCase(),
      name: h.handle.name,
    }));
    // Nest mounts middleware (request logging and the like) as route layers whose functions are all named "handler"
    if (handles.every((h) => h.name === 'handler' || h.name === '')) continue;
    for (const h of handles) {
      // Nest names each endpoint's function Controller.method; the global prefix (or its exclusion, as for /health) is Nest's to apply
      const d = declared.find(
        (x) =>
          x.handler === h.name &&
          x.method === h.method &&
          x.paths.some((p) => layer.route.path === p || layer.route.path === `/api/v1${p}`),
      );
      if (d) routes.push({ method: h.method, path: layer.route.path, access: d.access, handler: d.handler });
      else if (DOCUMENTATION.test(layer.route.path) && h.method === 'GET')
        routes.push({ method: 'GET', path: layer.route.path, access: { public: true }, handler: 'SwaggerModule' });
      else unmatched.push(`${h.method} ${layer.route.path} (${h.name || 'anonymous'})`);
    }
  }
  for (const d of declared) {
    if (!routes.some((r) => r.handler === d.handler))
      unmatched.push(`${d.method} ${d.paths.join(' | ')} (${d.handler}: declared, not served)`);
  }
  return { routes, unmatched };
}

export function concretePath(path: string): string {
  return path
    .replace(/\{([^}]*)\}/g, '$1') // optional segments: take them
    .replace(/\*\w*/g, 'x')
    .replace(/:\w+/g, DUMMY_ID);
}
