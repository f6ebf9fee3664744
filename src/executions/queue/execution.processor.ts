import { waitAtMost } from '../../common/deadline';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { InjectConfig, RuncellConfig } from '../../config';
import { CancellationBus } from '../live-output/cancellation-bus';
import { ExecutionRunService } from './execution-run.service';
import { EXECUTIONS_QUEUE, ExecutionJobData } from './execution-queue.constants';

/** How long a user's job waits before trying again when the user is at the running cap. */
const CAPPED_RETRY_MS = 500;

/**
 * The queue worker. It starts only after configuration is applied (lock duration, concurrency),
 * so its options come from `RuncellConfig` rather than from the decorator.
 */
@Processor(EXECUTIONS_QUEUE, { autorun: false })
export class ExecutionProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('ExecutionWorker');

  constructor(
    private readonly runs: ExecutionRunService,
    private readonly cancellation: CancellationBus,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const { executions } = this.config;
    Object.assign(this.worker.opts, {
      lockDuration: executions.queueLockMs,
      lockRenewTime: executions.queueLockMs / 2,
      stalledInterval: executions.queueLockMs,
      maxStalledCount: executions.maxAttempts,
    });
    // The lock manager copies the lock settings when built; rebuild it with the configured ones.
    (this.worker as unknown as { createLockManager(): void }).createLockManager();
    this.worker.concurrency = executions.workerConcurrency;
    this.worker.on('error', (error) => this.logger.warn(`Queue worker error: ${error.message}`));
    // Neither waits for Redis: start-up must not hang while it is down (readiness reports it).
    void this.cancellation
      .listen()
      .catch((error: Error) => this.logger.warn(`Cancel listener: ${error.message}`));
    void this.worker
      .run()
      .catch((error: Error) => this.logger.error(`Queue worker stopped: ${error.message}`));
    this.logger.log(
      `Worker ${this.runs.workerId} running ${executions.workerConcurrency} executions at once`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // Waits for the jobs in flight (unstarted jobs stay queued for the next worker), but not
    // forever: with Redis down a graceful close never completes.
    const closed = this.worker.close();
    const deadline = this.config.server.shutdownTimeoutMs;
    if (!(await waitAtMost(closed, deadline))) {
      this.logger.warn(`Queue worker did not close within ${deadline} ms; forcing it`);
      await waitAtMost(this.worker.close(true), 1000);
    }
  }

  async process(job: Job<ExecutionJobData>, token?: string): Promise<void> {
    const attempt = job.attemptsStarted;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const verdict = await this.runs.run(job.data.executionId, attempt, lastAttempt);
    switch (verdict.kind) {
      case 'done':
        return;
      case 'capped':
        await job.moveToDelayed(
          Date.now() + CAPPED_RETRY_MS + Math.floor(Math.random() * CAPPED_RETRY_MS),
          token,
        );
        throw new DelayedError();
      case 'infrastructure':
        throw verdict.error;
    }
  }
}
