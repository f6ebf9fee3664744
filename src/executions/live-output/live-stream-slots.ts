import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { requireRedis } from '../../redis/redis-unavailable';

// Takes a slot when fewer than ARGV[3] unexpired slots exist; a slot expires at its score.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

/**
 * Open live-output streams per user, shared by every API replica: a sorted set of stream ids
 * scored by when each stream must have ended, so a replica that dies leaks no slot for longer
 * than the longest stream may last.
 */
@Injectable()
export class LiveStreamSlots {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  /** Takes a slot until `endsAt` (ms since the epoch); 429 `RATE_LIMITED` when all are taken. */
  async acquire(userId: string, endsAt: number): Promise<() => Promise<void>> {
    const key = this.key(userId);
    const id = randomUUID();
    const taken = await requireRedis(() =>
      this.redis.eval(
        ACQUIRE,
        1,
        key,
        Date.now(),
        endsAt,
        this.config.executions.liveStreamsPerUser,
        id,
      ),
    );
    if (taken !== 1) {
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        `At most ${this.config.executions.liveStreamsPerUser} live output streams may be open at once.`,
        undefined,
        { 'retry-after': '5' },
      );
    }
    return async () => {
      await this.redis.zrem(key, id).catch(() => undefined);
    };
  }

  private key(userId: string): string {
    return `${this.config.redis.queuePrefix}:live-streams:${userId}`;
  }
}
