import './test-env';
import { dropRunDatabases, withAdminClient } from './test-databases';

/** Drops this run's template and any clone a suite could not drop itself. */
export default async function globalTeardown(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL as string;
  await withAdminClient(baseUrl, (client) =>
    dropRunDatabases(client, baseUrl, { pid: process.pid }),
  );
}
