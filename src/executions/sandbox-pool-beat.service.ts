import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { InjectConfig, RuncellConfig } from '../config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { ExecutionRunService } from './queue/execution-run.service';
import { SandboxPool } from './sandbox/sandbox-pool';

const BEAT_MS = 5000;
const EXPIRE_SECONDS = 30;

/** Warm sandboxes per language of one worker, as `/health/workers` shows them. */
export type SandboxPoolBeat = Record<string, number>;

export function sandboxPoolKey(config: RuncellConfig, workerId: string): string {
  return `${config.redis.queuePrefix}:sandbox-pools:${workerId}`;
}

/**
 * Each worker with a warm pool announces its pool's size per language in Redis every few
 * seconds, beside the worker heartbeat, for `/health/workers` (served by any API replica).
 */
@Injectable()
export class SandboxPoolBeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly runs: ExecutionRunService,
    private readonly pool: SandboxPool,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.pool.enabled) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key()).catch(() => undefined);
  }

  /** Publishes the pool's current sizes now. */
  async beat(): Promise<void> {
    const beat: SandboxPoolBeat = this.pool.sizes();
    await this.redis
      .set(this.key(), JSON.stringify(beat), 'EX', EXPIRE_SECONDS)
      .catch(() => undefined);
  }

  private key(): string {
    return sandboxPoolKey(this.config, this.runs.workerId);
  }
}
