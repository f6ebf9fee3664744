import './test-env';
import { loadConfig } from '../../src/config/load-config';
import { runMigrations } from '../../src/database/migrate';
import {
  createDatabase,
  dropRunDatabases,
  RUN_PID_ENV,
  runDatabaseName,
  TEMPLATE_DATABASE_ENV,
  withAdminClient,
  withDatabase,
} from './test-databases';

/**
 * Once per Jest run: drops the databases left by killed runs, then creates this run's template
 * database at the latest schema. Each test file gets a clone of it (test/support/database-environment.ts).
 */
export default async function globalSetup(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL as string;
  const template = runDatabaseName(baseUrl, process.pid, 'tpl');
  await withAdminClient(baseUrl, async (client) => {
    await dropRunDatabases(client, baseUrl, 'dead-runs');
    await dropRunDatabases(client, baseUrl, { pid: process.pid });
    await createDatabase(client, template);
  });
  const config = loadConfig({ ...process.env, DATABASE_URL: withDatabase(baseUrl, template) });
  await runMigrations(config.database);
  process.env[TEMPLATE_DATABASE_ENV] = template;
  process.env[RUN_PID_ENV] = String(process.pid);
}
