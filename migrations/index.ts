import type { MigrationInterface } from 'typeorm';
import { CreateUsersAndRefreshTokens1763890000000 } from './1763890000000-create-users-and-refresh-tokens';
import { CreateTasksAndExecutions1763900000000 } from './1763900000000-create-tasks-and-executions';
import { AddCompileStage1764640000000 } from './1764640000000-add-compile-stage';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateUsersAndRefreshTokens1763890000000,
  CreateTasksAndExecutions1763900000000,
  AddCompileStage1764640000000,
];
