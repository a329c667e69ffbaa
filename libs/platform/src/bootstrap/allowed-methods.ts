import type { FastifyInstance } from 'fastify';

interface RoutePattern {
  segments: string[];
  methods: Set<string>;
}

const routesByServer = new WeakMap<object, RoutePattern[]>();

function segmentsOf(path: string): string[] {
  return path.split('?')[0].split('/').filter(Boolean);
}

function matches(pattern: string[], path: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '*') return true;
    if (i >= path.length) return false;
    if (!p.startsWith(':') && p !== path[i]) return false;
  }
  return pattern.length === path.length;
}

/**
 * Remembers every route's method and path pattern, so a request that matches
 * a path with another method can be answered 405 with `Allow` rather than 404.
 */
export function recordRouteMethods(fastify: FastifyInstance): void {
  const routes: RoutePattern[] = [];
  routesByServer.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    const segments = segmentsOf(route.url);
    const key = segments.join('/');
    let entry = routes.find((r) => r.segments.join('/') === key);
    if (!entry) routes.push((entry = { segments, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m.toUpperCase());
  });
}

/** The methods some route answers on this path, sorted; empty when no route has the path at all. */
export function allowedMethods(server: object, url: string): string[] {
  const routes = routesByServer.get(server);
  if (!routes) return [];
  const path = segmentsOf(url);
  const out = new Set<string>();
  for (const r of routes) if (matches(r.segments, path)) for (const m of r.methods) out.add(m);
  return [...out].sort();
}
