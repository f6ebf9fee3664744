import type { Socket } from 'node:net';
import type { Pool, PoolClient } from 'pg';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { readRows } from '../../src/database/read-rows';
import { UserEntity } from '../../src/auth/users/user.entity';

/** `readRows` against the file's own migrated database, compared with TypeORM's `query()`. */
describe('readRows', () => {
  let dataSource: DataSource;
  let users: Repository<UserEntity>;

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      entities: [UserEntity],
      // One connection: a statement that did not give its connection back would hang the next.
      poolSize: 1,
    });
    await dataSource.initialize();
    users = dataSource.getRepository(UserEntity);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('answers the rows query() answers, with the same column types', async () => {
    const sql = `SELECT $1::text AS name, 7::int AS count, '2026-01-02T03:04:05.678Z'::timestamptz AS at`;
    const rows = await readRows<Record<string, unknown>>(users, sql, ['a']);

    expect(rows).toEqual(await users.query(sql, ['a']));
    expect(rows).toEqual([{ name: 'a', count: 7, at: new Date('2026-01-02T03:04:05.678Z') }]);
  });

  it('runs a prepared read as a named statement the connection keeps, with the same rows', async () => {
    const sql = `SELECT $1::text AS name, '2026-01-02T03:04:05.678Z'::timestamptz AS at`;
    const prepared = { prepared: true };
    const kept = `SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement = $1`;

    const first = await readRows<Record<string, unknown>>(users, sql, ['a'], prepared);
    const second = await readRows<Record<string, unknown>>(users, sql, ['b'], prepared);

    expect(first).toEqual(await users.query(sql, ['a']));
    expect(second).toEqual([{ name: 'b', at: new Date('2026-01-02T03:04:05.678Z') }]);
    // One connection in the pool: the statement it prepared is visible on it, once.
    expect(await readRows(users, kept, [sql])).toEqual([{ count: 1 }]);
    await readRows(users, `${sql} -- unprepared`, ['c']);
    expect(await readRows(users, kept, [`${sql} -- unprepared`])).toEqual([{ count: 0 }]);
  });

  it('fails as query() fails and gives the connection back', async () => {
    const failing = readRows(users, 'SELECT * FROM no_such_table WHERE id = $1', ['x']);

    await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failing).rejects.toMatchObject({
      query: 'SELECT * FROM no_such_table WHERE id = $1',
      parameters: ['x'],
      driverError: expect.objectContaining({ code: '42P01' }),
    });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(readRows(users, 'SELECT 1 AS one', [])).resolves.toEqual([{ one: 1 }]);
    }
  });

  it('survives its connection breaking mid-statement and lends a fresh one next', async () => {
    const [{ pid }] = await readRows<{ pid: number }>(users, 'SELECT pg_backend_pid() AS pid', []);
    const sleeping = readRows(users, 'SELECT pg_sleep(30)', []);
    // Another connection ends the backend, as a Postgres restart would.
    const admin = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
    await admin.initialize();
    try {
      await waitUntilSleeping(admin, pid);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.destroy();
    }

    await expect(sleeping).rejects.toBeInstanceOf(QueryFailedError);
    // The socket closes just after the error message: by then the pool has dropped the client.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [next] = await readRows<{ pid: number }>(users, 'SELECT pg_backend_pid() AS pid', []);
    expect(next.pid).not.toBe(pid);
  });

  it('drops a connection whose socket fails while it is lent, without an unhandled error', async () => {
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    const [{ pid }] = await readRows<{ pid: number }>(users, 'SELECT pg_backend_pid() AS pid', []);
    // The socket fails under the statement (a reset, not Postgres closing it cleanly).
    pool.once('acquire', (client: PoolClient & { connection: { stream: Socket } }) => {
      setTimeout(() => client.connection.stream.destroy(new Error('connection reset')), 100);
    });

    await expect(readRows(users, 'SELECT pg_sleep(5)', [])).rejects.toBeInstanceOf(
      QueryFailedError,
    );
    const [next] = await readRows<{ pid: number }>(users, 'SELECT pg_backend_pid() AS pid', []);
    expect(next.pid).not.toBe(pid);
  });

  it('runs inside the transaction of a transactional repository', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`CREATE TEMPORARY TABLE read_rows_probe (n int) ON COMMIT DROP`);
      await runner.query(`INSERT INTO read_rows_probe VALUES (42)`);
      const inTransaction = runner.manager.getRepository(UserEntity);

      await expect(readRows(inTransaction, 'SELECT n FROM read_rows_probe', [])).resolves.toEqual([
        { n: 42 },
      ]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

async function waitUntilSleeping(admin: DataSource, pid: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const rows = await admin.query<{ state: string }[]>(
      `SELECT state FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`,
      [pid],
    );
    if (rows[0]?.state === 'active') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`backend ${pid} never started sleeping`);
}
