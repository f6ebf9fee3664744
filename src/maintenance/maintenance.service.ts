import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefreshTokenService } from '../auth';
import { InjectConfig, RuncellConfig } from '../config';
import { RuntimeLifecycleService } from '../runtimes/lifecycle/runtime-lifecycle.service';
import { withAdvisoryLock } from './advisory-lock';
import { ExecutionRetentionService } from './execution-retention.service';
import { MaintenanceJob, MaintenanceJobOptions, MaintenanceTask } from './maintenance-job';
import { StuckExecutionsReport, StuckExecutionsService } from './stuck-executions.service';

const RUNTIMES_JOB = 'maintenance:runtimes';
const REFRESH_TOKENS_JOB = 'maintenance:refresh-tokens';
const STUCK_EXECUTIONS_JOB = 'maintenance:stuck-executions';
const RETENTION_JOB = 'maintenance:execution-retention';
const BUILT_IN_JOBS = [RUNTIMES_JOB, REFRESH_TOKENS_JOB, STUCK_EXECUTIONS_JOB, RETENTION_JOB];

interface DiscoveredJob {
  options: MaintenanceJobOptions;
  task: MaintenanceTask;
}

/**
 * Periodic clean-up, every `maintenanceIntervalSeconds`. Runtime clean-up is per process (the
 * state table is in memory); database jobs run on one replica at a time under an advisory lock.
 * Other modules add jobs with `@MaintenanceJob()` (see `docs/extending.md`).
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceService.name);
  private readonly running = new Set<string>();
  private readonly jobs = new Map<string, DiscoveredJob>();

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduler: SchedulerRegistry,
    private readonly runtimes: RuntimeLifecycleService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly stuckExecutions: StuckExecutionsService,
    private readonly retention: ExecutionRetentionService,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    for (const job of this.discoverJobs()) this.jobs.set(job.options.name, job);
    const intervalMs = this.config.executor.maintenanceIntervalSeconds * 1000;
    this.schedule(RUNTIMES_JOB, intervalMs, () => this.cleanRuntimes());
    this.schedule(REFRESH_TOKENS_JOB, intervalMs, () => this.purgeRefreshTokens());
    this.schedule(STUCK_EXECUTIONS_JOB, intervalMs, () => this.recoverStuckExecutions());
    this.schedule(RETENTION_JOB, intervalMs, () => this.purgeOldExecutions());
    for (const name of this.jobs.keys()) this.schedule(name, intervalMs, () => this.runJob(name));
  }

  onModuleDestroy(): void {
    for (const name of [...BUILT_IN_JOBS, ...this.jobs.keys()]) {
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

  /**
   * One run of a `@MaintenanceJob()`: under its advisory lock for `cluster` jobs. Null when
   * another replica holds the lock; throws for a name no job has.
   */
  async runJob(name: string): Promise<{ result: unknown } | null> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No maintenance job is named "${name}"`);
    if (job.options.scope === 'instance') return { result: await job.task.run() };
    const outcome = await withAdvisoryLock(this.dataSource, name, () => job.task.run());
    return outcome.ran ? { result: outcome.result } : null;
  }

  /** Every `@MaintenanceJob()` provider; a misdeclared one fails the start-up. */
  private discoverJobs(): DiscoveredJob[] {
    const names = new Set<string>(BUILT_IN_JOBS);
    return this.discovery.getProviders({ metadataKey: MaintenanceJob.KEY }).map((wrapper) => {
      const options = this.discovery.getMetadataByDecorator(MaintenanceJob, wrapper);
      const task = wrapper.instance as Partial<MaintenanceTask> | undefined;
      const label = String(wrapper.name);
      if (!options || typeof options.name !== 'string' || options.name === '') {
        throw new Error(`@MaintenanceJob() on ${label} needs a name`);
      }
      if (options.scope !== 'cluster' && options.scope !== 'instance') {
        throw new Error(`@MaintenanceJob() on ${label} needs scope 'cluster' or 'instance'`);
      }
      if (names.has(options.name)) {
        throw new Error(`Two maintenance jobs are named "${options.name}"`);
      }
      if (!wrapper.isDependencyTreeStatic() || typeof task?.run !== 'function') {
        throw new Error(`@MaintenanceJob() ${label} must be a singleton provider with run()`);
      }
      names.add(options.name);
      return { options, task: task as MaintenanceTask };
    });
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
