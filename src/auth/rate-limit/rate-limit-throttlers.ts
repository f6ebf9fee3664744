import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { RateLimitName, RuncellConfig } from '../../config';
import type { AuthenticatedRequest } from '../authenticated-user';
import { perRoute, routeAccess } from '../guards/route-access';
import { normalizeEmail } from '../users/email';
import { RATE_LIMIT } from './rate-limit.decorator';

interface TrackedRequest extends AuthenticatedRequest {
  ip: string;
  body?: unknown;
}

const TRACKERS: Record<RateLimitName, (request: TrackedRequest) => string> = {
  register: (request) => `ip:${request.ip}`,
  login: (request) => `ip:${request.ip}|email:${emailOf(request.body)}`,
  // One address trying many emails (password spraying) is limited too.
  loginAddress: (request) => `ip:${request.ip}`,
  refresh: (request) => `ip:${request.ip}`,
  user: userTracker,
  taskCreate: userTracker,
  executionCreate: userTracker,
};

/**
 * One named throttler per configured rate limit. A route counts against the limits named by its
 * `@RateLimit()`, or else against `user` when it is user-authenticated; public and executor
 * routes without `@RateLimit()` are not limited here.
 */
export function rateLimitThrottlers(config: RuncellConfig): ThrottlerModuleOptions {
  const names = Object.keys(TRACKERS) as RateLimitName[];
  const throttlers: ThrottlerOptions[] = names.map((name) => ({
    name,
    limit: config.auth.rateLimits[name].limit,
    ttl: config.auth.rateLimits[name].windowSeconds * 1000,
    skipIf: (context) => !routeLimits(context).includes(name),
    getTracker: (request) => TRACKERS[name](request as TrackedRequest),
  }));
  return {
    throttlers,
    setHeaders: false,
    // One counter per limit and caller across every route and instance; no raw emails in keys.
    generateKey: (_context, tracker, name) =>
      `${config.redis.queuePrefix}:rate-limit:${name}:${createHash('sha256').update(tracker).digest('hex')}`,
  };
}

const reflector = new Reflector();

const limitsOfRoute = perRoute((handler, controller): RateLimitName[] => {
  const chosen = reflector.getAllAndOverride<RateLimitName[] | undefined>(RATE_LIMIT, [
    handler,
    controller,
  ]);
  if (chosen !== undefined) return chosen;
  return routeAccess(handler, controller) === 'user' ? ['user'] : [];
});

/** The limits a request's route counts against (none: the throttlers are not even consulted). */
export function routeLimits(context: ExecutionContext): RateLimitName[] {
  return limitsOfRoute(context.getHandler(), context.getClass());
}

function userTracker(request: TrackedRequest): string {
  return request.user ? `user:${request.user.id}` : `ip:${request.ip}`;
}

function emailOf(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? normalizeEmail(email) : '';
}
