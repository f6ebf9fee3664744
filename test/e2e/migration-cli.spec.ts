import { PrivatePostgres } from '../support/private-services';
import { freePort, runRuncellCommand } from '../support/runcell-process';

const CLI = 'src/database/migrate.cli.ts';

/** `npm run migration:run` / `node dist/src/database/migrate.cli.js`, as operators run it. */
describe('migration command (e2e)', () => {
  it('applies every migration to an empty database once, then reports the schema up to date', async () => {
    const postgres = await PrivatePostgres.start();
    try {
      const first = await runRuncellCommand(CLI, { DATABASE_URL: postgres.url });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        /^Applied migrations: CreateUsersAndRefreshTokens1763890000000, CreateTasksAndExecutions1763900000000/,
      );

      const second = await runRuncellCommand(CLI, { DATABASE_URL: postgres.url });
      expect(second).toEqual({ code: 0, stdout: 'Database schema is up to date\n', stderr: '' });
    } finally {
      postgres.remove();
    }
  }, 120_000);

  it('fails with exit code 1 and a one-line message when the database cannot be reached', async () => {
    // A loopback port nobody listens on.
    const url = `postgres://runcell:runcell@127.0.0.1:${await freePort()}/runcell`;

    const result = await runRuncellCommand(CLI, { DATABASE_URL: url });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Migration failed: .*ECONNREFUSED.*\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('runcell:runcell');
  });
});
