import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../config';
import { dataSourceOptions } from './data-source-options';

/** Arbitrary constant shared by every Runcell process: the advisory lock key for migrations. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs pending migrations under a session-level advisory lock, so replicas starting together
 * apply each migration exactly once. Returns the names of the migrations applied.
 */
export async function runMigrations(config: DatabaseConfig): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockHolder.release();
    await dataSource.destroy();
  }
}
