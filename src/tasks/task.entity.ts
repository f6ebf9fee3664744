import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { LANGUAGE_NAMES, LanguageName } from '../languages/language-registry';

/** Every language of the registry (`GET /api/v1/languages`). */
export const SCRIPT_TYPES = LANGUAGE_NAMES;
export type ScriptType = LanguageName;

export const TASK_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'timeout',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

@Entity('tasks')
export class TaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description!: string;

  @Column({ name: 'script_content', type: 'text' })
  scriptContent!: string;

  @Column({ name: 'script_type', type: 'varchar', length: 32 })
  scriptType!: ScriptType;

  @Column({ type: 'smallint', default: 5 })
  priority!: number;

  @Column({ name: 'timeout_seconds', type: 'integer', default: 30 })
  timeoutSeconds!: number;

  @Column({ name: 'memory_mb', type: 'integer', default: 256 })
  memoryMb!: number;

  @Column({ type: 'double precision', default: 1 })
  cpus!: number;

  @Column({ type: 'jsonb', default: {} })
  metadata!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: TaskStatus;

  @Column({ name: 'last_execution_id', type: 'uuid', nullable: true })
  lastExecutionId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
