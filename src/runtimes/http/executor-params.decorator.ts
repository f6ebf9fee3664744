import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The raw parameters of a `/v1` request, bypassing the global DTO pipe: the query string for
 * GET, the parsed body for other methods (anything but an object is `{}`).
 */
export const ExecutorParams = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Record<string, unknown> => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const source: unknown = request.method === 'GET' ? request.query : request.body;
    if (source === null || typeof source !== 'object' || Array.isArray(source)) return {};
    if (Buffer.isBuffer(source)) return {};
    return source as Record<string, unknown>;
  },
);
