import { SetMetadata } from '@nestjs/common';
import type { RateLimitName } from '../../config';

export const RATE_LIMIT = 'runcell:rate-limit';

/**
 * Puts a route under one of the named, configured rate limits instead of the default
 * per-user limit, e.g. `@RateLimit('taskCreate')` (120/h per user) or
 * `@RateLimit('executionCreate')` (300/h per user).
 */
export const RateLimit = (name: RateLimitName) => SetMetadata(RATE_LIMIT, name);
