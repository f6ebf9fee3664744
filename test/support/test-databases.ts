import { DataSource } from 'typeorm';

/**
 * Per-suite databases for the Jest run: one template migrated by the global setup, one clone of
 * it per test file (`CREATE DATABASE … TEMPLATE …`), so suites running in parallel never see each
 * other's rows. Every name carries the pid of the Jest process that made it: a later run drops the
 * databases of runs that are no longer alive (killed before their teardown).
 */

/** Set by the global setup for the test environments (inherited by the Jest workers). */
export const TEMPLATE_DATABASE_ENV = 'RUNCELL_TEST_TEMPLATE_DATABASE';
/** Set by the global setup: the pid of the Jest process that owns this run's databases. */
export const RUN_PID_ENV = 'RUNCELL_TEST_RUN_PID';
/** Set in each test file: the database the per-suite databases are made from (`runcell_ci`). */
export const BASE_DATABASE_URL_ENV = 'RUNCELL_TEST_BASE_DATABASE_URL';

const MAX_IDENTIFIER_LENGTH = 63;

/** `<base>__r<pid>_<suffix>`, e.g. `runcell_ci__r4242_tpl`. */
export function runDatabaseName(baseUrl: string, pid: number, suffix: string): string {
  const name = `${databaseOf(baseUrl)}__r${pid}_${suffix}`;
  if (!/^[a-z0-9_]+$/.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
    throw new Error(`unusable test database name "${name}"`);
  }
  return name;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs `work` on a connection to the base database (the one `DATABASE_URL` names). */
export async function withAdminClient<T>(
  baseUrl: string,
  work: (client: DataSource) => Promise<T>,
): Promise<T> {
  const client = new DataSource({ type: 'postgres', url: baseUrl, poolSize: 1 });
  await client.initialize();
  try {
    return await work(client);
  } finally {
    await client.destroy();
  }
}

export async function createDatabase(
  client: DataSource,
  name: string,
  template?: string,
): Promise<void> {
  const from = template ? ` TEMPLATE "${template}"` : '';
  try {
    await client.query(`CREATE DATABASE "${name}"${from}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new Error(
        'the test database role may not create databases: run `npm test` once ' +
          '(scripts/test.sh grants it CREATEDB) or `ALTER ROLE <role> CREATEDB`',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Drops a database even if a test left connections open (a child process, a leaked pool). */
export async function dropDatabase(client: DataSource, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Drops the databases of this run (`pid`), or of every run whose process is gone. */
export async function dropRunDatabases(
  client: DataSource,
  baseUrl: string,
  which: { pid: number } | 'dead-runs',
): Promise<string[]> {
  const pattern = new RegExp(`^${databaseOf(baseUrl)}__r(\\d+)_[a-z0-9_]+$`);
  const rows: { datname: string }[] = await client.query('SELECT datname FROM pg_database');
  const dropped: string[] = [];
  for (const { datname } of rows) {
    const match = pattern.exec(datname);
    if (!match) continue;
    const pid = Number(match[1]);
    const wanted = which === 'dead-runs' ? !processIsAlive(pid) : pid === which.pid;
    if (!wanted) continue;
    await dropDatabase(client, datname);
    dropped.push(datname);
  }
  return dropped;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
