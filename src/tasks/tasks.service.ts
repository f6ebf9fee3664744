import { languageNamed } from '../languages/language-registry';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError, ErrorCode } from '../common';
import { CursorCodec, cursorCodecFor } from '../common/pagination';
import { InjectConfig, RuncellConfig } from '../config';
import { ListTasksQueryDto } from './dto/list-tasks.query';
import { CreateTaskDto, UpdateTaskDto } from './dto/task-input.dto';
import { TaskDto, TaskPageDto } from './dto/task.dto';
import { TaskEntity, TaskStatus } from './task.entity';
import { toTaskDto } from './task.mapper';
import { TasksRepository } from './tasks.repository';

@Injectable()
export class TasksService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly tasks: TasksRepository,
    @InjectConfig() config: RuncellConfig,
  ) {
    this.cursors = cursorCodecFor(config);
  }

  async create(user: AuthenticatedUser, input: CreateTaskDto): Promise<TaskDto> {
    const { defaults } = languageNamed(input.script_type);
    const task = await this.tasks.insert({
      userId: user.id,
      name: input.name,
      description: input.description ?? '',
      scriptContent: input.script_content,
      scriptType: input.script_type,
      priority: input.priority ?? 5,
      timeoutSeconds: input.timeout_seconds ?? defaults.timeoutSeconds,
      memoryMb: input.memory_mb ?? defaults.memoryMb,
      cpus: input.cpus ?? 1,
      metadata: input.metadata ?? {},
    });
    return toTaskDto(task);
  }

  async list(user: AuthenticatedUser, query: ListTasksQueryDto): Promise<TaskPageDto> {
    const scope = `tasks:${user.id}:${query.sort}:${query.order}:${query.status ?? ''}:${query.script_type ?? ''}:${query.q ?? ''}`;
    const rows = await this.tasks.page({
      filters: {
        userId: user.id,
        status: query.status,
        scriptType: query.script_type,
        nameContains: query.q,
      },
      sort: query.sort,
      order: query.order,
      after: query.cursor ? this.cursors.decode(query.cursor, scope) : undefined,
      limit: query.limit + 1,
    });
    const { items, pagination } = this.cursors.paginate(rows, query.limit, scope, (row) =>
      sortValue(row, query.sort),
    );
    return { tasks: items.map(toTaskDto), pagination };
  }

  async get(user: AuthenticatedUser, id: string): Promise<TaskDto> {
    return toTaskDto(await this.findReadable(user, id));
  }

  /** Applies a change to a task the caller has already checked (`TaskChangesService`). */
  async applyUpdate(task: TaskEntity, input: UpdateTaskDto): Promise<TaskDto> {
    if (input.name !== undefined) task.name = input.name;
    if (input.description !== undefined) task.description = input.description;
    if (input.script_content !== undefined) task.scriptContent = input.script_content;
    if (input.script_type !== undefined) task.scriptType = input.script_type;
    if (input.priority !== undefined) task.priority = input.priority;
    if (input.timeout_seconds !== undefined) task.timeoutSeconds = input.timeout_seconds;
    if (input.memory_mb !== undefined) task.memoryMb = input.memory_mb;
    if (input.cpus !== undefined) task.cpus = input.cpus;
    if (input.metadata !== undefined) task.metadata = input.metadata;
    return toTaskDto(await this.tasks.save(task));
  }

  /** Deletes a task the caller has already checked; its executions go with it. */
  async remove(taskId: string): Promise<void> {
    await this.tasks.delete(taskId);
  }

  /** The task if the user may read it (owner or admin); 404 otherwise, never 403. */
  async findReadable(user: AuthenticatedUser, id: string): Promise<TaskEntity> {
    const task = await this.tasks.findById(id);
    if (!task || (task.userId !== user.id && user.role !== 'admin')) throw taskNotFound();
    return task;
  }

  /** The task if the user owns it; an admin reading someone else's task may not change it. */
  async findOwned(user: AuthenticatedUser, id: string): Promise<TaskEntity> {
    const task = await this.findReadable(user, id);
    if (task.userId !== user.id)
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the owner may change this task');
    return task;
  }

  /** Points the task at a new latest execution and mirrors its status. */
  async recordLatestExecution(
    taskId: string,
    executionId: string,
    status: TaskStatus,
  ): Promise<void> {
    await this.tasks.setLatestExecution(taskId, executionId, status);
  }

  /** Mirrors an execution's status on its task while it is still the task's latest execution. */
  async mirrorExecutionStatus(
    taskId: string,
    executionId: string,
    status: TaskStatus,
  ): Promise<void> {
    await this.tasks.setStatusIfLatest(taskId, executionId, status);
  }
}

function sortValue(task: TaskEntity, sort: ListTasksQueryDto['sort']): string | number {
  switch (sort) {
    case 'created_at':
      return task.createdAt.toISOString();
    case 'updated_at':
      return task.updatedAt.toISOString();
    case 'priority':
      return task.priority;
    case 'name':
      return task.name;
  }
}

function taskNotFound(): AppError {
  return new AppError(ErrorCode.TASK_NOT_FOUND, 'Task not found');
}
