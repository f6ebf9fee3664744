import { SetMetadata } from '@nestjs/common';
import type { RateLimitName } from '../../config';

export const RATE_LIMIT = 'runcell:rate-limit';

/**
 * Puts a route under named, configured rate limits instead of the default per-user limit, e.g.
 * `@RateLimit('taskCreate')` (120/h per user); a request must pass every one of them, e.g.
 * `@RateLimit('login', 'loginAddress')` (per address and email, and per address alone).
 */
export const RateLimit = (...names: [RateLimitName, ...RateLimitName[]]) =>
  SetMetadata(RATE_LIMIT, names);
