import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';

/**
 * Carries "cancel execution X" from whichever API replica took the request to whichever worker
 * runs X, over Redis pub/sub. Workers register an abort controller per running execution.
 */
@Injectable()
export class CancellationBus implements OnModuleDestroy {
  private readonly logger = new Logger('Cancellation');
  private readonly running = new Map<string, AbortController>();
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  /** Starts listening (workers only). */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, executionId: string) =>
      this.abortLocal(executionId),
    );
    await this.subscriber.subscribe(this.channel());
  }

  async requestCancel(executionId: string): Promise<void> {
    this.abortLocal(executionId);
    try {
      await this.redis.publish(this.channel(), executionId);
    } catch (error) {
      this.logger.warn(
        `Could not broadcast the cancel of ${executionId}: ${(error as Error).message}`,
      );
    }
  }

  /** An abort signal for a run; call the returned release when the run ends. */
  track(executionId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    this.running.set(executionId, controller);
    return { signal: controller.signal, release: () => this.running.delete(executionId) };
  }

  get activeCount(): number {
    return this.running.size;
  }

  async onModuleDestroy(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    // quit() would wait in the offline queue forever while Redis is down.
    if (subscriber.status !== 'ready') return subscriber.disconnect();
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private abortLocal(executionId: string): void {
    this.running.get(executionId)?.abort();
  }

  private channel(): string {
    return `${this.config.redis.queuePrefix}:cancel`;
  }
}
