import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError, ErrorCode } from '../common';
import { ExecutionsService } from '../executions/executions.service';
import { UpdateTaskDto } from './dto/task-input.dto';
import { TaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

const SCRIPT_FIELDS = ['script_content', 'script_type'] as const;

/**
 * Changing and deleting tasks, which depends on their executions: a task with a queued or running
 * execution keeps its script, and is deleted only with `force` (its executions cancelled first).
 */
@Injectable()
export class TaskChangesService {
  constructor(
    private readonly tasks: TasksService,
    private readonly executions: ExecutionsService,
  ) {}

  async update(user: AuthenticatedUser, id: string, input: UpdateTaskDto): Promise<TaskDto> {
    const task = await this.tasks.findOwned(user, id);
    if (
      SCRIPT_FIELDS.some((field) => input[field] !== undefined) &&
      (await this.executions.hasActiveExecutions(id))
    ) {
      throw new AppError(
        ErrorCode.TASK_BUSY,
        'The task has a queued or running execution; its script cannot change now',
      );
    }
    return this.tasks.applyUpdate(task, input);
  }

  async delete(user: AuthenticatedUser, id: string, force: boolean): Promise<void> {
    await this.tasks.findOwned(user, id);
    let cancelled: string[] = [];
    if (await this.executions.hasActiveExecutions(id)) {
      if (!force) {
        throw new AppError(
          ErrorCode.TASK_BUSY,
          'The task has a queued or running execution; cancel it first or delete with ?force=true',
        );
      }
      cancelled = await this.executions.cancelActiveExecutions(id);
    }
    await this.tasks.remove(id);
    // After the delete, so a follower that looks the execution up finds it gone (404).
    await this.executions.announceCancelled(cancelled);
  }
}
