import type { Pool } from 'pg';
import { QueryFailedError, type ObjectLiteral, type Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs one read statement straight on the pool TypeORM holds, without a query runner (its
 * connect/broadcast/release steps cost a dozen promises per statement on routes that run on
 * every request). Logging and errors stay TypeORM's: the statement is logged as `query()` logs
 * it and a failure is the same `QueryFailedError`. Inside a transaction it is `query()` itself.
 */
export async function readRows<Row>(
  repository: Repository<ObjectLiteral>,
  sql: string,
  parameters: unknown[],
): Promise<Row[]> {
  const { manager } = repository;
  if (manager.queryRunner) return manager.query<Row[]>(sql, parameters);
  const { logger, driver } = manager.connection;
  const pool = (driver as PostgresDriver).master as Pool;
  // Acquired apart from the statement, as the query runner does: a pool that cannot connect
  // fails with the driver's own error. While it is held, a connection that breaks (Postgres
  // restarted) emits `error`, which nothing else listens to then: it is handed back with that
  // error, so the pool drops it instead of lending it again.
  const connection = await pool.connect();
  let broken: Error | undefined;
  const onBroken = (error: Error) => {
    broken = error;
  };
  connection.on('error', onBroken);
  logger.logQuery(sql, parameters);
  try {
    const result = await connection.query(sql, parameters);
    return result.rows as Row[];
  } catch (error) {
    logger.logQueryError(error as Error, sql, parameters);
    throw new QueryFailedError(sql, parameters, error as Error);
  } finally {
    connection.removeListener('error', onBroken);
    connection.release(broken);
  }
}
