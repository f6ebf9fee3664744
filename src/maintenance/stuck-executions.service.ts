import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExecutionsRepository } from '../executions/executions.repository';
import { ExecutionQueueProducer } from '../executions/queue/execution-queue.producer';
import { TasksService } from '../tasks/tasks.service';
import { stuckExecutionAction } from './stuck-execution';

/** A worker reports on a running execution well within this; younger rows are never touched. */
export const STUCK_MIN_AGE_MS = 60_000;

export interface StuckExecutionsReport {
  requeued: string[];
  failed: string[];
}

/** Executions left `running` whose BullMQ job is gone or over: requeued, or failed with a reason. */
@Injectable()
export class StuckExecutionsService implements OnModuleInit {
  private readonly logger = new Logger(StuckExecutionsService.name);
  private executions!: ExecutionsRepository;
  private queue!: ExecutionQueueProducer;
  private tasks!: TasksService;

  constructor(private readonly moduleRef: ModuleRef) {}

  /**
   * The executions module is built per application role (`ExecutionsModule.forRole`), so its
   * providers are looked up in the application rather than imported a second time.
   */
  onModuleInit(): void {
    this.executions = this.moduleRef.get(ExecutionsRepository, { strict: false });
    this.queue = this.moduleRef.get(ExecutionQueueProducer, { strict: false });
    this.tasks = this.moduleRef.get(TasksService, { strict: false });
  }

  async recover(minAgeMs = STUCK_MIN_AGE_MS): Promise<StuckExecutionsReport> {
    const report: StuckExecutionsReport = { requeued: [], failed: [] };
    const candidates = await this.executions.runningStartedBefore(new Date(Date.now() - minAgeMs));
    for (const execution of candidates) {
      const action = stuckExecutionAction(await this.queue.jobState(execution.id));
      if (action.kind === 'requeue') {
        if (!(await this.executions.release(execution.id, execution.attempt, action.reason))) {
          continue;
        }
        await this.queue.enqueue(execution.id, execution.priority);
        await this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, 'pending');
        report.requeued.push(execution.id);
      } else if (action.kind === 'fail') {
        if (await this.executions.failActive(execution.id, action.reason)) {
          await this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, 'failed');
          report.failed.push(execution.id);
        }
      }
    }
    if (report.requeued.length + report.failed.length > 0) {
      this.logger.warn(
        `Stuck executions: requeued ${report.requeued.length}, failed ${report.failed.length}`,
      );
    }
    return report;
  }
}
