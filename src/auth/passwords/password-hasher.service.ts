import { Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { AppError, ErrorCode } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): strong, and cheap enough for 2 cores.
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashes and verifies passwords with argon2id. At most `PASSWORD_HASH_CONCURRENCY` computations
 * run at once and at most `PASSWORD_HASH_QUEUE` wait, so a flood of sign-ins cannot take every CPU
 * and thread (nor, through `admit`, every database connection) from the rest of the service;
 * beyond that a request answers 503 at once.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';
  private readonly slots: pLimit.Limit;
  private readonly maxInFlight: number;
  private admitted = 0;

  constructor(@InjectConfig() config: RuncellConfig) {
    this.slots = pLimit(config.auth.passwordHashConcurrency);
    this.maxInFlight = config.auth.passwordHashConcurrency + config.auth.passwordHashQueue;
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(24).toString('base64url'));
  }

  /**
   * Runs a whole sign-in or sign-up (its lookups included) as one of the at most
   * concurrency + queue admitted at once; 503 `SERVICE_UNAVAILABLE` when all places are taken.
   */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.admitted >= this.maxInFlight) throw busy();
    this.admitted += 1;
    try {
      return await work();
    } finally {
      this.admitted -= 1;
    }
  }

  hash(password: string): Promise<string> {
    return this.inSlot(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  async verify(hash: string, password: string): Promise<boolean> {
    return this.inSlot(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    });
  }

  /**
   * Spends the same work as `verify` for an account that does not exist, so a login for an
   * unknown email takes as long as one with a wrong password. Always false.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }

  private inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.slots.activeCount + this.slots.pendingCount >= this.maxInFlight) {
      return Promise.reject(busy());
    }
    return this.slots(work);
  }
}

function busy(): AppError {
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'Too many sign-ins are in progress; try again shortly.',
    undefined,
    { 'retry-after': '2' },
  );
}
