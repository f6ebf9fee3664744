import { Injectable, Logger } from '@nestjs/common';
import { ExecutionRecordsService } from '../executions/execution-records.service';
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
export class StuckExecutionsService {
  private readonly logger = new Logger(StuckExecutionsService.name);

  constructor(
    private readonly executions: ExecutionRecordsService,
    private readonly queue: ExecutionQueueProducer,
    private readonly tasks: TasksService,
  ) {}

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
