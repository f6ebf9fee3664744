import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppError, ErrorCode } from '../../common';

/**
 * The throttler of the routes that have rate limits (`RateLimitGuard` decides which): counts
 * in Redis and answers 429 `RATE_LIMITED` with `Retry-After` in the catalogue body.
 */
@Injectable()
export class RouteThrottler extends ThrottlerGuard {
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
