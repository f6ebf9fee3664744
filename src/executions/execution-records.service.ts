import { Injectable } from '@nestjs/common';
import { ExecutionEntity } from './execution.entity';
import { ExecutionOutcome, ExecutionsRepository } from './executions.repository';

/**
 * The state transitions of stored executions that the queue worker, maintenance and the health
 * routes need. `ExecutionsRepository` stays private to `ExecutionsModule`; other modules get
 * this service, which exposes only these guarded operations.
 */
@Injectable()
export class ExecutionRecordsService {
  constructor(private readonly executions: ExecutionsRepository) {}

  findById(id: string): Promise<ExecutionEntity | null> {
    return this.executions.findById(id);
  }

  /** pending → running for a worker, unless the user is at `cap` running executions. */
  claim(
    id: string,
    userId: string,
    attempt: number,
    workerId: string,
    cap: number,
  ): Promise<'claimed' | 'capped' | 'gone'> {
    return this.executions.claim(id, userId, attempt, workerId, cap);
  }

  /** running (this attempt) → its outcome. False when someone else moved it first. */
  finish(id: string, attempt: number, outcome: ExecutionOutcome): Promise<boolean> {
    return this.executions.finish(id, attempt, outcome);
  }

  /** Stores the output of an execution closed while it ran; its status stays. */
  attachOutput(id: string, outcome: ExecutionOutcome): Promise<void> {
    return this.executions.attachOutput(id, outcome);
  }

  /** running (this attempt) → pending again, for a retry. */
  release(id: string, attempt: number, error: string): Promise<boolean> {
    return this.executions.release(id, attempt, error);
  }

  /** pending or running → failed, whatever attempt holds it. */
  failActive(id: string, error: string): Promise<boolean> {
    return this.executions.failActive(id, error);
  }

  runningStartedBefore(startedBefore: Date, limit?: number): Promise<ExecutionEntity[]> {
    return this.executions.runningStartedBefore(startedBefore, limit);
  }

  runningIds(): Promise<string[]> {
    return this.executions.runningIds();
  }

  /** Deletes up to `limit` executions finished before `cutoff`; the number deleted. */
  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.executions.deleteFinishedBefore(cutoff, limit);
  }

  countRunning(): Promise<number> {
    return this.executions.countRunning();
  }

  averageRunMsSince(since: Date): Promise<number | null> {
    return this.executions.averageRunMsSince(since);
  }
}
