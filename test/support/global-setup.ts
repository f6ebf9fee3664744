import './test-env';
import { loadConfig } from '../../src/config/load-config';
import { runMigrations } from '../../src/database/migrate';

/** Brings the test database to the latest schema once per run. */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig({ ...process.env });
  await runMigrations(config.database);
}
