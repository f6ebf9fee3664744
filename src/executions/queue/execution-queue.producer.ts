import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { InjectConfig, RuncellConfig } from '../../config';
import { EXECUTIONS_QUEUE, ExecutionJobData, queuePriority } from './execution-queue.constants';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** Puts executions on the BullMQ queue: one job per execution, job id = execution id. */
@Injectable()
export class ExecutionQueueProducer {
  constructor(
    @InjectQueue(EXECUTIONS_QUEUE) private readonly queue: Queue<ExecutionJobData>,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  async enqueue(executionId: string, priority: number): Promise<void> {
    // The queue's connection waits for Redis to come back; a request must not wait with it.
    if ((await this.queue.client).status !== 'ready') throw new Error('Redis is not connected');
    await this.queue.add(
      'run',
      { executionId },
      {
        jobId: executionId,
        priority: queuePriority(priority),
        attempts: this.config.executions.maxAttempts,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        // Failed jobs stay: the failed set is the dead-letter queue.
        removeOnFail: false,
      },
    );
  }

  /** The job's BullMQ state and failure reason; null when the queue no longer has it. */
  async jobState(executionId: string): Promise<{ state: string; failedReason?: string } | null> {
    const job = await this.queue.getJob(executionId);
    if (!job) return null;
    return { state: await job.getState(), failedReason: job.failedReason };
  }

  /** Takes a job that has not started off the queue; false if it is running or gone. */
  async removeWaiting(executionId: string): Promise<boolean> {
    const job = await this.queue.getJob(executionId);
    if (!job) return false;
    const state = await job.getState();
    if (
      state !== 'waiting' &&
      state !== 'delayed' &&
      state !== 'prioritized' &&
      state !== 'waiting-children'
    )
      return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.queue.getJobCounts(
      'waiting',
      'prioritized',
      'active',
      'delayed',
      'failed',
      'completed',
    );
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    };
  }
}
