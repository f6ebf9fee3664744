import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../../config';
import { requireRedis } from '../../redis/redis-unavailable';
import { routeLimits } from './rate-limit-throttlers';
import { RouteThrottler } from './route-throttler';

/**
 * The global rate-limit guard. A route without limits (executor and public routes, or every
 * route when limits are off) passes at once, without a promise: this guard runs on every
 * request, the hottest `/v1` ones included. Counters live in Redis: while it is down, limited
 * routes answer 503, not 500.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly throttler: RouteThrottler,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.config.auth.rateLimitsEnabled || routeLimits(context).length === 0) return true;
    return requireRedis(() => this.throttler.canActivate(context));
  }
}
