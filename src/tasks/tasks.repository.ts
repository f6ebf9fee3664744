import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CursorPosition } from '../common/pagination';
import { InjectConfig } from '../config/config.module';
import type { RuncellConfig } from '../config/runcell-config';
import { ReadOptions, readRows } from '../database/read-rows';
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
  private readonly hotRead: ReadOptions;

  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectConfig() config: RuncellConfig,
  ) {
    this.hotRead = { prepared: config.database.preparedStatements };
  }

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

  /**
   * One page in keyset order: rows strictly after `after` by (sort column, id). Plain SQL with
   * numbered parameters (the hot path of `GET /api/v1/tasks`), mapped to entities by hand.
   */
  async page(request: TaskPageRequest): Promise<TaskEntity[]> {
    const column = SORT_COLUMNS[request.sort];
    const direction = request.order === 'asc' ? 'ASC' : 'DESC';
    const { filters } = request;
    const where: string[] = [];
    const parameters: unknown[] = [];
    const bind = (value: unknown) => `$${parameters.push(value)}`;
    if (filters.userId) where.push(`task.user_id = ${bind(filters.userId)}`);
    if (filters.status) where.push(`task.status = ${bind(filters.status)}`);
    if (filters.scriptType) where.push(`task.script_type = ${bind(filters.scriptType)}`);
    if (filters.nameContains) {
      where.push(`task.name ILIKE ${bind(`%${escapeLike(filters.nameContains)}%`)} ESCAPE '\\'`);
    }
    if (request.after) {
      const comparison = request.order === 'asc' ? '>' : '<';
      const value =
        request.sort === 'created_at' || request.sort === 'updated_at'
          ? new Date(request.after.value)
          : request.after.value;
      where.push(`(${column}, task.id) ${comparison} (${bind(value)}, ${bind(request.after.id)})`);
    }
    const sql =
      `SELECT ${TASK_COLUMNS} FROM tasks task` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY ${column} ${direction}, task.id ${direction} LIMIT ${bind(request.limit)}`;
    const rows = await readRows<TaskRow>(this.tasks, sql, parameters, this.hotRead);
    return rows.map(toTaskEntity);
  }
}

/** The columns of `TaskEntity`, selected by name for the hand-mapped page query. */
const TASK_COLUMNS = [
  'id',
  'user_id',
  'name',
  'description',
  'script_content',
  'script_type',
  'priority',
  'timeout_seconds',
  'memory_mb',
  'cpus',
  'metadata',
  'status',
  'last_execution_id',
  'created_at',
  'updated_at',
]
  .map((name) => `task.${name}`)
  .join(', ');

interface TaskRow {
  id: string;
  user_id: string;
  name: string;
  description: string;
  script_content: string;
  script_type: ScriptType;
  priority: number;
  timeout_seconds: number;
  memory_mb: number;
  cpus: number;
  metadata: Record<string, unknown>;
  status: TaskStatus;
  last_execution_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toTaskEntity(row: TaskRow): TaskEntity {
  return Object.assign(new TaskEntity(), {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    description: row.description,
    scriptContent: row.script_content,
    scriptType: row.script_type,
    priority: row.priority,
    timeoutSeconds: row.timeout_seconds,
    memoryMb: row.memory_mb,
    cpus: row.cpus,
    metadata: row.metadata,
    status: row.status,
    lastExecutionId: row.last_execution_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
