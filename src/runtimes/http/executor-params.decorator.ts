import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const bodyErrors = new WeakMap<FastifyRequest, unknown>();

/** Keeps a body parsing error until the parameters are read (after the auth guard). */
export function deferBodyError(request: FastifyRequest, error: unknown): void {
  bodyErrors.set(request, error);
}

/**
 * The raw parameters of a `/v1` request, bypassing the global DTO pipe: the query string for
 * GET, the parsed body for other methods (anything but an object is `{}`). A body that failed
 * to parse is thrown here, after the auth check.
 */
export function readExecutorParams(request: FastifyRequest): Record<string, unknown> {
  if (bodyErrors.has(request)) throw bodyErrors.get(request);
  const source: unknown = request.method === 'GET' ? request.query : request.body;
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return {};
  if (Buffer.isBuffer(source)) return {};
  return source as Record<string, unknown>;
}

/** `readExecutorParams` as a route parameter. */
export const ExecutorParams = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Record<string, unknown> =>
    readExecutorParams(context.switchToHttp().getRequest<FastifyRequest>()),
);
