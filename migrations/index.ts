import type { MigrationInterface } from 'typeorm';
import { CreateUsersAndRefreshTokens1763890000000 } from './1763890000000-create-users-and-refresh-tokens';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  CreateUsersAndRefreshTokens1763890000000,
];
