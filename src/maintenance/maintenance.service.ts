import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefreshTokenService } from '../auth';
import { InjectConfig, RuncellConfig } from '../config';
import { RuntimeLifecycleService } from '../runtimes/lifecycle/runtime-lifecycle.service';
import { withAdvisoryLock } from './advisory-lock';
import { ExecutionRetentionService } from './execution-retention.service';
import { OrphanSandboxesService } from './orphan-sandboxes.service';
import { StuckExecutionsReport, StuckExecutionsService } from './stuck-executions.service';

const RUNTIMES_JOB = 'maintenance:runtimes';
const REFRESH_TOKENS_JOB = 'maintenance:refresh-tokens';
const STUCK_EXECUTIONS_JOB = 'maintenance:stuck-executions';
const SANDBOXES_JOB = 'maintenance:sandboxes';
const RETENTION_JOB = 'maintenance:execution-retention';
const JOBS = [RUNTIMES_JOB, REFRESH_TOKENS_JOB, STUCK_EXECUTIONS_JOB, SANDBOXES_JOB, RETENTION_JOB];

/**
 * Periodic clean-up, every `maintenanceIntervalSeconds`. Runtime clean-up is per process (the
 * state table is in memory); database jobs run on one replica at a time under an advisory lock.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly running = new Set<string>();

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: SchedulerRegistry,
    private readonly runtimes: RuntimeLifecycleService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly stuckExecutions: StuckExecutionsService,
    private readonly sandboxes: OrphanSandboxesService,
    private readonly retention: ExecutionRetentionService,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.executor.maintenanceIntervalSeconds * 1000;
    this.schedule(RUNTIMES_JOB, intervalMs, () => this.cleanRuntimes());
    this.schedule(REFRESH_TOKENS_JOB, intervalMs, () => this.purgeRefreshTokens());
    this.schedule(STUCK_EXECUTIONS_JOB, intervalMs, () => this.recoverStuckExecutions());
    this.schedule(RETENTION_JOB, intervalMs, () => this.purgeOldExecutions());
    // Sandboxes are per instance (labelled with its id): no cross-replica lock.
    this.schedule(SANDBOXES_JOB, intervalMs, () => this.sandboxes.removeOrphans());
  }

  onModuleDestroy(): void {
    for (const name of JOBS) {
      if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
    }
  }

  /** Idle runtimes, then orphaned containers and folders of this executor. */
  async cleanRuntimes(): Promise<{ idle: string[]; orphans: string[] }> {
    const idle = await this.runtimes.removeIdle();
    const orphans = await this.runtimes.removeOrphans();
    return { idle, orphans };
  }

  /** Expired refresh tokens; null when another replica is running the job. */
  async purgeRefreshTokens(): Promise<number | null> {
    const outcome = await withAdvisoryLock(this.dataSource, REFRESH_TOKENS_JOB, () =>
      this.refreshTokens.purgeExpired(),
    );
    if (!outcome.ran) return null;
    if (outcome.result > 0) this.logger.log(`Purged ${outcome.result} expired refresh tokens`);
    return outcome.result;
  }

  /** Running executions whose job is gone or over; null when another replica runs the job. */
  async recoverStuckExecutions(minAgeMs?: number): Promise<StuckExecutionsReport | null> {
    const outcome = await withAdvisoryLock(this.dataSource, STUCK_EXECUTIONS_JOB, () =>
      this.stuckExecutions.recover(minAgeMs),
    );
    return outcome.ran ? outcome.result : null;
  }

  /** Executions past the retention; null when another replica is running the job. */
  async purgeOldExecutions(now?: Date): Promise<number | null> {
    const outcome = await withAdvisoryLock(this.dataSource, RETENTION_JOB, () =>
      this.retention.purge(now),
    );
    return outcome.ran ? outcome.result : null;
  }

  /** Runs `job` on an interval; a run still going when the next is due is not overlapped. */
  private schedule(name: string, intervalMs: number, job: () => Promise<unknown>): void {
    const tick = () => {
      if (this.running.has(name)) return;
      this.running.add(name);
      job()
        .catch((error: unknown) => this.logger.error(`${name} failed: ${String(error)}`))
        .finally(() => this.running.delete(name));
    };
    this.scheduler.addInterval(name, setInterval(tick, intervalMs));
  }
}
