import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AppError, ErrorCode } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { requireRedis } from '../../redis/redis-unavailable';
import { routeLimits } from './rate-limit-throttlers';

/** The throttler guard, answering 429 `RATE_LIMITED` with `Retry-After` in the catalogue body. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {
    super(options, storage, reflector);
  }

  /** Counters live in Redis: while it is down, limited routes answer 503, not 500. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return requireRedis(() => super.canActivate(context));
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(
      !this.config.auth.rateLimitsEnabled || routeLimits(context).length === 0,
    );
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      `Too many requests; retry in ${retryAfter} seconds.`,
      undefined,
      { 'retry-after': String(retryAfter) },
    );
  }
}
