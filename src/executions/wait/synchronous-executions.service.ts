import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { AppError, ErrorCode } from '../../common';
import { CreateExecutionDto } from '../dto/create-execution.dto';
import { ExecutionDto } from '../dto/execution.dto';
import { TERMINAL_STATUSES } from '../execution.entity';
import { toExecutionDto } from '../execution.mapper';
import { ExecutionRecordsService } from '../execution-records.service';
import { ExecutionsService } from '../executions.service';
import { ExecutionWaiters, WaitEnd } from './execution-waiters';

export interface WaitedExecution {
  execution: ExecutionDto;
  /** True when the execution is terminal (answered 200), false when still active (202). */
  finished: boolean;
  /** Why the wait ended. */
  end: WaitEnd;
}

/** `POST …/executions?wait=`: creates (or replays) the execution, then waits for its end. */
@Injectable()
export class SynchronousExecutionsService {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly rows: ExecutionRecordsService,
    private readonly waiters: ExecutionWaiters,
  ) {}

  async createAndWait(
    user: AuthenticatedUser,
    taskId: string,
    input: CreateExecutionDto,
    idempotencyKey: string | undefined,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<WaitedExecution> {
    const created = await this.executions.create(user, taskId, input, idempotencyKey);
    if (isTerminal(created.status)) return { execution: created, finished: true, end: 'finished' };
    let latest = created;
    const end = await this.waiters.wait(user.id, created.id, waitSeconds * 1000, signal, () =>
      this.refresh(created.id).then((row) => {
        latest = row ?? latest;
        return row === null || isTerminal(row.status);
      }),
    );
    // One read at the end: the notice carries only the id, and a deadline may race the finish.
    if (end !== 'refused' && end !== 'aborted' && !isTerminal(latest.status)) {
      const row = await this.refresh(created.id).catch(() => latest);
      // Deleted (with its task) while we waited.
      if (row === null)
        throw new AppError(
          ErrorCode.EXECUTION_NOT_FOUND,
          'The execution was deleted with its task',
        );
      latest = row;
    }
    return { execution: latest, finished: isTerminal(latest.status), end };
  }

  private async refresh(id: string): Promise<ExecutionDto | null> {
    const row = await this.rows.findById(id);
    return row ? toExecutionDto(row) : null;
  }
}

function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
