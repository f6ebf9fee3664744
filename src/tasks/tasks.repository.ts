import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { CursorPosition } from '../common/pagination';
import { TaskSort } from './dto/list-tasks.query';
import { ScriptType, TaskEntity, TaskStatus } from './task.entity';

export interface TaskFilters {
  /** Restricts to one owner; undefined lists every user's tasks (admins). */
  userId?: string;
  status?: TaskStatus;
  scriptType?: ScriptType;
  nameContains?: string;
}

export interface TaskPageRequest {
  filters: TaskFilters;
  sort: TaskSort;
  order: 'asc' | 'desc';
  after?: CursorPosition;
  limit: number;
}

const SORT_COLUMNS: Record<TaskSort, string> = {
  created_at: 'task.created_at',
  updated_at: 'task.updated_at',
  priority: 'task.priority',
  name: 'task.name',
};

@Injectable()
export class TasksRepository {
  constructor(@InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>) {}

  async insert(task: Partial<TaskEntity>): Promise<TaskEntity> {
    return this.tasks.save(this.tasks.create(task));
  }

  async findById(id: string): Promise<TaskEntity | null> {
    return this.tasks.findOneBy({ id });
  }

  async save(task: TaskEntity): Promise<TaskEntity> {
    return this.tasks.save(task);
  }

  async delete(id: string): Promise<void> {
    await this.tasks.delete({ id });
  }

  async setLatestExecution(taskId: string, executionId: string, status: TaskStatus): Promise<void> {
    await this.tasks.update({ id: taskId }, { lastExecutionId: executionId, status });
  }

  async setStatusIfLatest(taskId: string, executionId: string, status: TaskStatus): Promise<void> {
    await this.tasks.update({ id: taskId, lastExecutionId: executionId }, { status });
  }

  /** One page in keyset order: rows strictly after `after` by (sort column, id). */
  async page(request: TaskPageRequest): Promise<TaskEntity[]> {
    const column = SORT_COLUMNS[request.sort];
    const direction = request.order === 'asc' ? 'ASC' : 'DESC';
    const query = this.tasks.createQueryBuilder('task');
    const { filters } = request;
    if (filters.userId) query.andWhere('task.user_id = :userId', { userId: filters.userId });
    if (filters.status) query.andWhere('task.status = :status', { status: filters.status });
    if (filters.scriptType)
      query.andWhere('task.script_type = :scriptType', { scriptType: filters.scriptType });
    if (filters.nameContains) {
      query.andWhere("task.name ILIKE :pattern ESCAPE '\\'", {
        pattern: `%${escapeLike(filters.nameContains)}%`,
      });
    }
    if (request.after) {
      const comparison = request.order === 'asc' ? '>' : '<';
      const value =
        request.sort === 'created_at' || request.sort === 'updated_at'
          ? new Date(request.after.value)
          : request.after.value;
      query.andWhere(
        new Brackets((where) =>
          where.where(`(${column}, task.id) ${comparison} (:afterValue, :afterId)`, {
            afterValue: value,
            afterId: request.after?.id,
          }),
        ),
      );
    }
    return query
      .orderBy(column, direction)
      .addOrderBy('task.id', direction)
      .limit(request.limit)
      .getMany();
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
