import type { FastifyInstance, RouteOptions } from 'fastify';
import { AppError, ErrorCode } from '../../common';
import type { RuncellConfig } from '../../config';
import { isExecutorUrl } from './executor-url';

const MIB = 1024 * 1024;

/**
 * `POST /api/v1/tasks/:id/executions` takes `stdin` up to 1 MiB (the contract), which JSON
 * escaping can grow up to six-fold, plus up to 64 environment variables.
 */
const LARGER_BODY_ROUTES: { method: string; url: string; bodyLimit: number }[] = [
  { method: 'POST', url: '/api/v1/tasks/:id/executions', bodyLimit: 8 * MIB },
];

/**
 * Every route outside `/v1` takes JSON bodies only (anything else is 415 before the body is
 * read; an unknown route stays 404) of at most `API_MAX_BODY_SIZE`; `/v1` keeps the executor's own limit and parsers.
 * Must be added before the routes are registered (before `app.init()`).
 */
export function addApiBodyRules(fastify: FastifyInstance, config: RuncellConfig): void {
  const limit = config.server.apiMaxBodySize;
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (isExecutorUrl(route.url) || route.bodyLimit !== undefined) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const larger = LARGER_BODY_ROUTES.find(
      (candidate) => candidate.url === route.url && methods.includes(candidate.method),
    );
    route.bodyLimit = Math.max(limit, larger?.bodyLimit ?? 0);
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const refused =
      !isExecutorUrl(request.url) &&
      request.routeOptions.url !== undefined &&
      hasBody(request.headers) &&
      !isJsonMediaType(request.headers['content-type']);
    done(refused ? unsupportedMediaType() : undefined);
  });
}

/** The error for a body that is not JSON outside `/v1`. */
export function unsupportedMediaType(): AppError {
  return new AppError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Request bodies must be JSON (content-type: application/json).',
  );
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim();
  return mediaType.toLowerCase() === 'application/json';
}
