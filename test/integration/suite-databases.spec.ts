import { spawn, spawnSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { runRuncellCommand } from '../support/runcell-process';
import {
  BASE_DATABASE_URL_ENV,
  createDatabase,
  dropDatabase,
  dropRunDatabases,
  runDatabaseName,
  withAdminClient,
} from '../support/test-databases';

const baseUrl = process.env[BASE_DATABASE_URL_ENV] as string;

async function databaseNames(): Promise<string[]> {
  return withAdminClient(baseUrl, async (client) =>
    (await client.query<{ datname: string }[]>('SELECT datname FROM pg_database')).map(
      (row) => row.datname,
    ),
  );
}

describe('a database per test file', () => {
  it('runs this file in a migrated database of its own, not in the shared one', async () => {
    const sut = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, poolSize: 1 });
    await sut.initialize();
    try {
      const [{ name }] = await sut.query<{ name: string }[]>('SELECT current_database() AS name');
      expect(name).toMatch(/__r\d+_s[0-9a-f]{8}$/);
      expect(baseUrl).not.toContain(name);
      const applied = await sut.query<{ name: string }[]>('SELECT name FROM migrations');
      expect(applied).toHaveLength(MIGRATIONS.length);
      const [{ users }] = await sut.query<{ users: number }[]>(
        'SELECT count(*)::int AS users FROM users',
      );
      expect(users).toBe(0);
    } finally {
      await sut.destroy();
    }
  });

  it("gives the Runcell processes a test starts the file's database too", async () => {
    const sut = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, poolSize: 1 });
    await sut.initialize();
    try {
      // Never empty a database that is not this file's own clone.
      const [{ name }] = await sut.query<{ name: string }[]>('SELECT current_database() AS name');
      expect(name).toMatch(/__r\d+_s[0-9a-f]{8}$/);
      await sut.query('DROP SCHEMA public CASCADE');
      await sut.query('CREATE SCHEMA public');
    } finally {
      await sut.destroy();
    }

    // Every other database of the run is migrated: only this file's empty one has work to do.
    const result = await runRuncellCommand('src/database/migrate.cli.ts', {});

    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Applied migrations: CreateUsersAndRefreshTokens/);
  });

  it('drops what a killed run left behind, and nothing of a run still going', async () => {
    const gone = spawnSync('true').pid;
    const running = spawn('sleep', ['60'], { stdio: 'ignore' });
    const leftover = runDatabaseName(baseUrl, gone, 'sdeadbeef');
    const live = runDatabaseName(baseUrl, running.pid as number, 'scafebabe');
    await withAdminClient(baseUrl, async (client) => {
      await createDatabase(client, leftover);
      await createDatabase(client, live);
    });
    try {
      await withAdminClient(baseUrl, (client) => dropRunDatabases(client, baseUrl, 'dead-runs'));

      const names = await databaseNames();
      expect(names).not.toContain(leftover);
      expect(names).toContain(live);
    } finally {
      running.kill();
      await withAdminClient(baseUrl, async (client) => {
        await dropDatabase(client, leftover);
        await dropDatabase(client, live);
      });
    }
  });
});
