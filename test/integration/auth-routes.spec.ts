import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { routeAccess, RouteAccess } from '../../src/auth/guards/route-access';
import { startTestApp, testConfig } from '../support/test-app';

interface NestRoute {
  method: string;
  path: string;
  access: RouteAccess;
}

/** Routes meant to be reachable without a user token; anything else public is a mistake. */
const EXPECTED_PUBLIC = [
  'GET /health',
  'GET /ready',
  'GET /health/workers',
  'GET /metrics',
  'GET /v1/health',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
];

/** Fastify routes registered outside Nest's router (Swagger UI and documents). */
const OUTSIDE_NEST = /^\/docs(\/|-json$|-yaml$|$)/;

describe('every route declares how it is authenticated', () => {
  let sut: NestFastifyApplication;
  let routes: NestRoute[];

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false' }));
    routes = nestRoutes(sut);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('finds the routes (the walk itself works)', () => {
    expect(routes.map(describeRoute)).toEqual(
      expect.arrayContaining(['GET /health', 'GET /api/v1/auth/me', 'POST /api/v1/auth/logout']),
    );
  });

  it('makes public only the routes meant to be public', () => {
    const unexpected = routes
      .filter((route) => route.access === 'public')
      .map(describeRoute)
      .filter((route) => !EXPECTED_PUBLIC.includes(route));
    expect(unexpected).toEqual([]);
  });

  it('uses the executor secret only under /v1', () => {
    const misplaced = routes
      .filter((route) => route.access === 'executor' && !/^\/v1(\/|$)/.test(route.path))
      .map(describeRoute);
    expect(misplaced).toEqual([]);
  });

  it('answers 401 to an unauthenticated request on every non-public route', async () => {
    const protectedRoutes = routes.filter((route) => route.access !== 'public');
    expect(protectedRoutes.length).toBeGreaterThan(0);
    const answers: string[] = [];
    for (const route of protectedRoutes) {
      const response = await sut.inject({
        method: route.method as 'GET',
        url: concretePath(route.path),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      answers.push(`${describeRoute(route)} -> ${response.statusCode}`);
    }
    expect(answers).toEqual(protectedRoutes.map((route) => `${describeRoute(route)} -> 401`));
  });

  it('serves every Fastify route through Nest, except the Swagger documents', () => {
    const nestPaths = new Set(routes.map((route) => route.path));
    const fastifyPaths = fastifyRoutePaths(sut.getHttpAdapter().getInstance().printRoutes());
    expect(fastifyPaths.length).toBeGreaterThan(routes.length - 1);
    const unknown = fastifyPaths.filter((path) => !nestPaths.has(path) && !OUTSIDE_NEST.test(path));
    expect(unknown).toEqual([]);
  });

  it('keeps the Swagger UI and documents reachable without a token, with the bearer scheme', async () => {
    const ui = await sut.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    const document = await sut.inject({ method: 'GET', url: '/docs-json' });
    expect(document.statusCode).toBe(200);
    const openApi = document.json();
    expect(openApi.components.securitySchemes.user).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(openApi.paths['/api/v1/auth/me'].get.security).toEqual([{ user: [] }]);
    expect(openApi.paths['/api/v1/auth/logout'].post.security).toEqual([{ user: [] }]);
    expect(openApi.paths['/api/v1/auth/login'].post.security).toBeUndefined();
  });
});

function nestRoutes(app: NestFastifyApplication): NestRoute[] {
  const scanner = new MetadataScanner();
  const found: NestRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown>;
      const prototype = controller.prototype as Record<string, (...args: unknown[]) => unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
        // A handler may be mapped to several paths (e.g. an alias).
        const own = Reflect.getMetadata(PATH_METADATA, handler) as string | string[];
        for (const path of Array.isArray(own) ? own : [own]) {
          found.push({
            method: RequestMethod[method],
            path: joinPath(base, path),
            access: routeAccess(handler, controller),
          });
        }
      }
    }
  }
  return found;
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return `/${joined}`;
}

function concretePath(path: string): string {
  return path
    .replace(/:[A-Za-z0-9_]+/g, '00000000-0000-4000-8000-000000000000')
    .replace(/\*/g, 'x');
}

function describeRoute(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** Full paths from Fastify's route tree (`printRoutes()`), parents joined to children. */
function fastifyRoutePaths(tree: string): string[] {
  const paths: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    const path = `${stack[depth - 1] ?? ''}${match[2]}`;
    stack[depth] = path;
    if (match[3] !== undefined) paths.push(path);
  }
  return paths;
}
