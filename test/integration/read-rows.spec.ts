import { DataSource, QueryFailedError, Repository } from 'typeorm';
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
