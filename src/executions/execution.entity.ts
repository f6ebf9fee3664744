import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ScriptType } from '../tasks/task.entity';

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'timeout',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
  'completed',
  'failed',
  'timeout',
  'cancelled',
];
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['pending', 'running'];

const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity('executions')
export class ExecutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: ExecutionStatus;

  @Column({ name: 'script_content', type: 'text' })
  scriptContent!: string;

  @Column({ name: 'script_type', type: 'varchar', length: 32 })
  scriptType!: ScriptType;

  @Column({ type: 'smallint' })
  priority!: number;

  @Column({ name: 'timeout_seconds', type: 'integer' })
  timeoutSeconds!: number;

  @Column({ name: 'memory_mb', type: 'integer' })
  memoryMb!: number;

  @Column({ type: 'double precision' })
  cpus!: number;

  @Column({ type: 'text', nullable: true })
  stdin!: string | null;

  @Column({ type: 'jsonb', default: {} })
  env!: Record<string, string>;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  @Column({ type: 'text', default: '' })
  stdout!: string;

  @Column({ type: 'text', default: '' })
  stderr!: string;

  @Column({ name: 'stdout_truncated', type: 'boolean', default: false })
  stdoutTruncated!: boolean;

  @Column({ name: 'stderr_truncated', type: 'boolean', default: false })
  stderrTruncated!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  @Column({ name: 'worker_id', type: 'varchar', length: 255, nullable: true })
  workerId!: string | null;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({
    name: 'memory_peak_bytes',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  memoryPeakBytes!: number | null;

  @Column({ name: 'cpu_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  cpuMs!: number | null;

  /** Compile stage of compiled languages; all null for interpreted ones. */
  @Column({ name: 'compile_status', type: 'varchar', length: 16, nullable: true })
  compileStatus!: string | null;

  @Column({ name: 'compile_output', type: 'text', nullable: true })
  compileOutput!: string | null;

  @Column({ name: 'compile_output_truncated', type: 'boolean', nullable: true })
  compileOutputTruncated!: boolean | null;

  @Column({ name: 'compile_exit_code', type: 'integer', nullable: true })
  compileExitCode!: number | null;

  @Column({ name: 'compile_duration_ms', type: 'integer', nullable: true })
  compileDurationMs!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
