import type { MigrationInterface } from 'typeorm';
import { CreateTasksAndExecutions1763900000000 } from './1763900000000-create-tasks-and-executions';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [CreateTasksAndExecutions1763900000000];
