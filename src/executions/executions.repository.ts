import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { CursorPosition } from '../common/pagination';
import {
  ACTIVE_STATUSES,
  ExecutionEntity,
  ExecutionStatus,
  TERMINAL_STATUSES,
} from './execution.entity';

export interface ExecutionOutcome {
  status: Exclude<ExecutionStatus, 'pending' | 'running'>;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  error: string | null;
  memoryPeakBytes: number | null;
  cpuMs: number | null;
  compileStatus?: string | null;
  compileOutput?: string | null;
  compileOutputTruncated?: boolean | null;
  compileExitCode?: number | null;
  compileDurationMs?: number | null;
  startedAt?: Date;
  completedAt: Date;
}

/**
 * Executions and their guarded state transitions: every transition is one conditional UPDATE,
 * so two workers (or a worker and a cancel) can never both move the same execution.
 */
@Injectable()
export class ExecutionsRepository {
  constructor(
    @InjectRepository(ExecutionEntity) private readonly executions: Repository<ExecutionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(execution: Partial<ExecutionEntity>): Promise<ExecutionEntity> {
    return this.executions.save(this.executions.create(execution));
  }

  async findById(id: string): Promise<ExecutionEntity | null> {
    return this.executions.findOneBy({ id });
  }

  async findByIdempotencyKey(
    userId: string,
    taskId: string,
    key: string,
  ): Promise<ExecutionEntity | null> {
    return this.executions.findOneBy({ userId, taskId, idempotencyKey: key });
  }

  async pageForTask(
    taskId: string,
    after: CursorPosition | undefined,
    limit: number,
  ): Promise<ExecutionEntity[]> {
    const query = this.executions
      .createQueryBuilder('execution')
      .where('execution.task_id = :taskId', { taskId })
      .orderBy('execution.created_at', 'DESC')
      .addOrderBy('execution.id', 'DESC')
      .limit(limit);
    if (after) {
      query.andWhere('(execution.created_at, execution.id) < (:afterValue, :afterId)', {
        afterValue: new Date(after.value),
        afterId: after.id,
      });
    }
    return query.getMany();
  }

  async activeIdsForTask(taskId: string): Promise<string[]> {
    const rows = await this.executions.find({
      select: { id: true },
      where: { taskId, status: In([...ACTIVE_STATUSES]) },
    });
    return rows.map((row) => row.id);
  }

  /**
   * pending → running for attempt `attempt`, only while the user runs fewer than `cap`
   * executions. A row left `running` by a worker that died is taken over by a later attempt.
   */
  async claim(
    id: string,
    userId: string,
    attempt: number,
    workerId: string,
    cap: number,
  ): Promise<'claimed' | 'capped' | 'gone'> {
    return this.dataSource.transaction(async (manager) => {
      // Serialises claims per user so the running cap holds across workers.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`executions:${userId}`]);
      // The running count is read by the update itself, after the lock (its own snapshot):
      // one round trip fewer on the common path.
      const runningOfUser = `(SELECT count(*) FROM executions WHERE user_id = :userId AND status = 'running' AND id <> :id)`;
      const result = await manager
        .createQueryBuilder()
        .update(ExecutionEntity)
        .set({ status: 'running', attempt, workerId, startedAt: () => 'now()', error: null })
        .where('id = :id', { id })
        .andWhere("(status = 'pending' OR (status = 'running' AND attempt < :attempt))", {
          attempt,
        })
        .andWhere(`${runningOfUser} < :cap`, { userId, cap })
        .execute();
      if (result.affected) return 'claimed';
      // Still claimable, so the cap held it back (retried later); otherwise someone else has it.
      const claimable = await manager.query<unknown[]>(
        `SELECT 1 FROM executions WHERE id = $1 AND (status = 'pending' OR (status = 'running' AND attempt < $2))`,
        [id, attempt],
      );
      return claimable.length > 0 ? 'capped' : 'gone';
    });
  }

  /** running (this attempt) → a terminal status. False when someone else moved it first. */
  async finish(id: string, attempt: number, outcome: ExecutionOutcome): Promise<boolean> {
    const result = await this.executions
      .createQueryBuilder()
      .update(ExecutionEntity)
      .set({ ...outcome })
      .where("id = :id AND status = 'running' AND attempt = :attempt", { id, attempt })
      .execute();
    return Boolean(result.affected);
  }

  /** Stores output on an execution that was closed while it ran, leaving its status alone. */
  async attachOutput(id: string, outcome: ExecutionOutcome): Promise<void> {
    const { status: _status, completedAt: _completedAt, ...output } = outcome;
    await this.executions.update({ id }, output);
  }

  /** running (this attempt) → pending again, for a retry after an infrastructure error. */
  async release(id: string, attempt: number, error: string): Promise<boolean> {
    const result = await this.executions
      .createQueryBuilder()
      .update(ExecutionEntity)
      .set({ status: 'pending', error, workerId: null })
      .where("id = :id AND status = 'running' AND attempt = :attempt", { id, attempt })
      .execute();
    return Boolean(result.affected);
  }

  /** pending or running → a terminal status chosen by a user (cancel) or an admin (resolve). */
  async close(id: string, status: ExecutionStatus, error: string | null): Promise<boolean> {
    const result = await this.executions
      .createQueryBuilder()
      .update(ExecutionEntity)
      .set({ status, error, completedAt: () => 'now()' })
      .where('id = :id AND status IN (:...active)', { id, active: ACTIVE_STATUSES })
      .execute();
    return Boolean(result.affected);
  }

  /** Marks an execution failed whatever attempt holds it (retries exhausted). */
  async failActive(id: string, error: string): Promise<boolean> {
    return this.close(id, 'failed', error);
  }

  /** Executions `running` since before `startedBefore` (candidates for stuck-run recovery). */
  /**
   * Deletes up to `limit` finished executions that ended before `cutoff`, oldest first; returns
   * how many. Tasks pointing at one as their latest lose the link (the key sets it null).
   */
  async deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `DELETE FROM executions WHERE id IN (
         SELECT id FROM executions
          WHERE status = ANY($1) AND coalesce(completed_at, created_at) < $2
          ORDER BY coalesce(completed_at, created_at)
          LIMIT $3)
       RETURNING id`,
      [TERMINAL_STATUSES, cutoff, limit],
    );
    return rows.length;
  }

  async runningStartedBefore(startedBefore: Date, limit = 500): Promise<ExecutionEntity[]> {
    return this.executions
      .createQueryBuilder('execution')
      .where("execution.status = 'running' AND execution.started_at < :startedBefore", {
        startedBefore,
      })
      .orderBy('execution.started_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  async runningIds(): Promise<string[]> {
    const rows = await this.executions.find({ select: { id: true }, where: { status: 'running' } });
    return rows.map((row) => row.id);
  }

  async countRunning(): Promise<number> {
    return this.executions.countBy({ status: 'running' });
  }

  async averageRunMsSince(since: Date): Promise<number | null> {
    const [row] = await this.dataSource.query<{ avg: number | null }[]>(
      `SELECT avg(extract(epoch FROM completed_at - started_at) * 1000)::float AS avg
         FROM executions WHERE completed_at >= $1 AND started_at IS NOT NULL`,
      [since],
    );
    return row?.avg === null || row?.avg === undefined ? null : Math.round(row.avg);
  }
}
