import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { hostname } from 'node:os';
import { InjectConfig, RuncellConfig } from '../../config';
import { REDIS_CLIENT } from '../../redis/redis.module';
import { CancellationBus } from '../live-output/cancellation-bus';
import { SandboxPool } from '../sandbox/sandbox-pool';
import { ExecutionRunService } from './execution-run.service';

const BEAT_MS = 5000;
const EXPIRE_SECONDS = 30;

export interface WorkerBeat {
  id: string;
  hostname: string;
  concurrency: number;
  active: number;
  last_heartbeat: string;
  /** Warm sandboxes ready per language; null when the worker keeps no pool. */
  sandbox_pool: Record<string, number> | null;
}

export function workerKeyPrefix(config: RuncellConfig): string {
  return `${config.redis.queuePrefix}:workers:`;
}

/**
 * Each worker process announces itself (and its warm sandbox pool) in Redis every few seconds,
 * for `/health/workers`, which any API replica serves.
 */
@Injectable()
export class WorkerHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly runs: ExecutionRunService,
    private readonly cancellation: CancellationBus,
    private readonly pool: SandboxPool,
  ) {}

  onApplicationBootstrap(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key()).catch(() => undefined);
  }

  /** Publishes this worker's state now. */
  async beat(): Promise<void> {
    const beat: WorkerBeat = {
      id: this.runs.workerId,
      hostname: hostname(),
      concurrency: this.config.executions.workerConcurrency,
      active: this.cancellation.activeCount,
      last_heartbeat: new Date().toISOString(),
      sandbox_pool: this.pool.enabled ? this.pool.sizes() : null,
    };
    await this.redis
      .set(this.key(), JSON.stringify(beat), 'EX', EXPIRE_SECONDS)
      .catch(() => undefined);
  }

  private key(): string {
    return `${workerKeyPrefix(this.config)}${this.runs.workerId}`;
  }
}
