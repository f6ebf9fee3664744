import type { MigrationInterface } from 'typeorm';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [];
