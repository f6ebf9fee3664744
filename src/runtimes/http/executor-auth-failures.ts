import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { RateLimitRule } from '../../config';

/** At most this many blocked addresses are remembered locally; the oldest is forgotten first. */
const MAX_REMEMBERED_BLOCKS = 10_000;
const THROTTLER_NAME = 'executorAuthFailures';

export interface AuthFailureVerdict {
  limited: boolean;
  /** Seconds until the address may try again, when limited. */
  retryAfter: number;
}

/**
 * Counts failed `/v1` authentications per client address in Redis (shared by every instance,
 * through the throttler storage the other rate limits use). Past the limit the address is
 * blocked for the window: its requests get 429, with or without the right secret, so guessing
 * stops. The block is remembered locally, so a request with the right secret from an address
 * that is not blocked never waits for Redis. When Redis is unreachable a failure stays a 401.
 */
export class ExecutorAuthFailures {
  private readonly logger = new Logger(ExecutorAuthFailures.name);
  private readonly blockedUntil = new Map<string, number>();
  /** Set while the storage fails, so an outage logs one line, not one per failed call. */
  private storageDown = false;

  constructor(
    private readonly storage: ThrottlerStorage | undefined,
    private readonly rule: RateLimitRule,
    private readonly keyPrefix: string,
  ) {}

  /** Seconds left on a block this instance knows of, or 0. No I/O. */
  blockedFor(address: string): number {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.blockedUntil.delete(address);
    return 0;
  }

  /** Counts one failed authentication from `address`. */
  async record(address: string): Promise<AuthFailureVerdict> {
    if (!this.storage) return { limited: false, retryAfter: 0 };
    const windowMs = this.rule.windowSeconds * 1000;
    try {
      const result = await this.storage.increment(
        `${this.keyPrefix}:rate-limit:${THROTTLER_NAME}:${createHash('sha256').update(address).digest('hex')}`,
        windowMs,
        this.rule.limit,
        windowMs,
        THROTTLER_NAME,
      );
      if (this.storageDown) {
        this.storageDown = false;
        this.logger.log('Failed executor authentications are counted again');
      }
      if (!result.isBlocked) return { limited: false, retryAfter: 0 };
      const retryAfter = Math.max(1, result.timeToBlockExpire);
      this.remember(address, Date.now() + retryAfter * 1000);
      return { limited: true, retryAfter };
    } catch (error) {
      if (!this.storageDown) {
        this.storageDown = true;
        this.logger.warn(`Failed executor authentications are not counted: ${String(error)}`);
      }
      return { limited: false, retryAfter: 0 };
    }
  }

  private remember(address: string, until: number): void {
    this.blockedUntil.delete(address);
    this.blockedUntil.set(address, until);
    if (this.blockedUntil.size > MAX_REMEMBERED_BLOCKS) {
      const oldest = this.blockedUntil.keys().next().value;
      if (oldest !== undefined) this.blockedUntil.delete(oldest);
    }
  }
}
