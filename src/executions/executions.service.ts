import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError, ErrorCode } from '../common';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { CursorCodec, cursorCodecFor, PageQueryDto } from '../common/pagination';
import { InjectConfig, RuncellConfig } from '../config';
import { TasksService } from '../tasks/tasks.service';
import { CreateExecutionDto } from './dto/create-execution.dto';
import { ExecutionDto, ExecutionPageDto } from './dto/execution.dto';
import { UpdateExecutionDto } from './dto/update-execution.dto';
import { ExecutionEntity } from './execution.entity';
import { toExecutionDto } from './execution.mapper';
import { ExecutionsRepository } from './executions.repository';
import { CancellationBus } from './live-output/cancellation-bus';
import { ExecutionOutputStore } from './live-output/execution-output.store';
import { ExecutionQueueProducer } from './queue/execution-queue.producer';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ExecutionsService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly tasks: TasksService,
    private readonly queue: ExecutionQueueProducer,
    private readonly cancellation: CancellationBus,
    private readonly output: ExecutionOutputStore,
    @InjectConfig() config: RuncellConfig,
    private readonly shutdown: ShutdownState,
  ) {
    this.cursors = cursorCodecFor(config);
  }

  /** Queues a run of the task; with an idempotency key, a retried request gets the same execution. */
  async create(
    user: AuthenticatedUser,
    taskId: string,
    input: CreateExecutionDto,
    idempotencyKey?: string,
  ): Promise<ExecutionDto> {
    if (this.shutdown.draining) {
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'This instance is shutting down; try again shortly',
        undefined,
        { 'retry-after': '1' },
      );
    }
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > 255)
    ) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        'Idempotency-Key must be 1 to 255 characters',
        [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }],
      );
    }
    const task = await this.tasks.findOwned(user, taskId);
    if (idempotencyKey) {
      const existing = await this.executions.findByIdempotencyKey(user.id, taskId, idempotencyKey);
      if (existing) return toExecutionDto(existing);
    }
    let execution: ExecutionEntity;
    try {
      execution = await this.executions.insert({
        taskId,
        userId: user.id,
        status: 'pending',
        scriptContent: task.scriptContent,
        scriptType: task.scriptType,
        priority: input.priority ?? task.priority,
        timeoutSeconds: input.timeout_seconds ?? task.timeoutSeconds,
        memoryMb: task.memoryMb,
        cpus: task.cpus,
        stdin: input.stdin ?? null,
        env: input.env ?? {},
        idempotencyKey: idempotencyKey ?? null,
        queuedAt: new Date(),
      });
    } catch (error) {
      // Two requests with one key raced: the loser answers with the winner's execution.
      const existing =
        idempotencyKey && (error as { code?: string }).code === UNIQUE_VIOLATION
          ? await this.executions.findByIdempotencyKey(user.id, taskId, idempotencyKey)
          : null;
      if (existing) return toExecutionDto(existing);
      throw error;
    }
    await this.tasks.recordLatestExecution(taskId, execution.id, 'pending');
    try {
      await this.queue.enqueue(execution.id, execution.priority);
    } catch {
      await this.executions.failActive(execution.id, 'The execution queue is unavailable');
      await this.tasks.mirrorExecutionStatus(taskId, execution.id, 'failed');
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'The execution queue is unavailable; try again shortly',
      );
    }
    return toExecutionDto(execution);
  }

  async listForTask(
    user: AuthenticatedUser,
    taskId: string,
    page: PageQueryDto,
  ): Promise<ExecutionPageDto> {
    await this.tasks.findReadable(user, taskId);
    const scope = `executions:${taskId}`;
    const rows = await this.executions.pageForTask(
      taskId,
      page.cursor ? this.cursors.decode(page.cursor, scope) : undefined,
      page.limit + 1,
    );
    const { items, pagination } = this.cursors.paginate(rows, page.limit, scope, (row) =>
      row.createdAt.toISOString(),
    );
    return { executions: items.map(toExecutionDto), pagination };
  }

  async get(user: AuthenticatedUser, id: string): Promise<ExecutionDto> {
    return toExecutionDto(await this.findReadable(user, id));
  }

  /** Cancels (owner) or resolves (admin) an execution. */
  async update(
    user: AuthenticatedUser,
    id: string,
    input: UpdateExecutionDto,
  ): Promise<ExecutionDto> {
    if (input.status === 'cancelled' && input.reason === undefined) return this.cancel(user, id);
    const execution = await this.findReadable(user, id);
    if (user.role !== 'admin') {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        'Only an admin may resolve an execution; owners may cancel it',
      );
    }
    const reason = input.reason ?? `Resolved by an admin as ${input.status}`;
    if (!(await this.executions.close(id, input.status, reason))) throw notActive(execution);
    if (input.status === 'cancelled' || execution.status === 'running')
      await this.cancellation.requestCancel(id);
    await this.queue.removeWaiting(id);
    return this.afterClose(execution);
  }

  async cancel(user: AuthenticatedUser, id: string): Promise<ExecutionDto> {
    const execution = await this.findReadable(user, id);
    if (execution.userId !== user.id && user.role !== 'admin') throw executionNotFound();
    if (!(await this.executions.close(id, 'cancelled', null))) throw notActive(execution);
    await this.queue.removeWaiting(id);
    await this.cancellation.requestCancel(id);
    return this.afterClose(execution);
  }

  async hasActiveExecutions(taskId: string): Promise<boolean> {
    return (await this.executions.activeIdsForTask(taskId)).length > 0;
  }

  /**
   * Cancels a task's queued and running executions and returns their ids; tell their followers
   * with `announceCancelled` once the task's fate is settled (deleted or not).
   */
  async cancelActiveExecutions(taskId: string): Promise<string[]> {
    const cancelled: string[] = [];
    for (const id of await this.executions.activeIdsForTask(taskId)) {
      if (await this.executions.close(id, 'cancelled', null)) {
        await this.queue.removeWaiting(id);
        await this.cancellation.requestCancel(id);
        cancelled.push(id);
      }
    }
    return cancelled;
  }

  /** Live followers and `?wait=` requests of these executions learn at once that they ended. */
  async announceCancelled(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.output.append(id, 'status', 'cancelled').catch(() => undefined);
    }
  }

  async findReadable(user: AuthenticatedUser, id: string): Promise<ExecutionEntity> {
    const execution = await this.executions.findById(id);
    if (!execution || (execution.userId !== user.id && user.role !== 'admin'))
      throw executionNotFound();
    return execution;
  }

  private async afterClose(execution: ExecutionEntity): Promise<ExecutionDto> {
    const closed = await this.executions.findById(execution.id);
    if (!closed) throw executionNotFound();
    await this.tasks.mirrorExecutionStatus(closed.taskId, closed.id, closed.status);
    await this.output.append(closed.id, 'status', closed.status).catch(() => undefined);
    return toExecutionDto(closed);
  }
}

function executionNotFound(): AppError {
  return new AppError(ErrorCode.EXECUTION_NOT_FOUND, 'Execution not found');
}

function notActive(execution: ExecutionEntity): AppError {
  return new AppError(
    ErrorCode.INVALID_STATE_TRANSITION,
    `The execution has already finished (${execution.status === 'pending' || execution.status === 'running' ? 'just now' : execution.status})`,
  );
}
