import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CONFIG, RuncellConfig } from '../config';
import { redisOptionsFromUrl } from './redis-options';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * One shared Redis client for quick commands (readiness, rate limits, token deny-list) and the
 * BullMQ connection settings. Commands fail fast while Redis is down instead of queueing.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: RuncellConfig) => ({
        connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null },
        prefix: config.redis.queuePrefix,
      }),
    }),
  ],
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [CONFIG],
      useFactory: (config: RuncellConfig) => createLoggedClient(config.redis.url),
    },
  ],
  exports: [REDIS_CLIENT, BullModule],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

function createLoggedClient(url: string): Redis {
  const logger = new Logger('Redis');
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis connection lost: ${error.message}`);
  });
  client.on('ready', () => {
    if (down) logger.log('Redis connection restored');
    down = false;
  });
  return client;
}
