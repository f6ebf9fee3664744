import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { requireRedis } from '../../redis/redis-unavailable';

/** Access tokens revoked before they expire (logout), by `jti`, shared by all instances. */
@Injectable()
export class AccessTokenDenylist {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Denies `jti` until `expiresAt` (seconds since the epoch), when the token dies anyway. */
  async deny(jti: string, expiresAt: number): Promise<void> {
    const seconds = expiresAt - Math.floor(Date.now() / 1000);
    if (seconds <= 0) return;
    await requireRedis(() => this.redis.set(this.key(jti), '1', 'EX', seconds));
  }

  async isDenied(jti: string): Promise<boolean> {
    return (await requireRedis(() => this.redis.exists(this.key(jti)))) === 1;
  }

  private key(jti: string): string {
    return `${this.config.redis.queuePrefix}:auth:denied-jti:${jti}`;
  }
}
