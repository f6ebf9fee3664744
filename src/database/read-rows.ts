import { createHash } from 'node:crypto';
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
  options: ReadOptions = { prepared: false },
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
    const name = options.prepared ? statementName(sql) : undefined;
    const result = await connection.query({ name, text: sql, values: parameters });
    return result.rows as Row[];
  } catch (error) {
    logger.logQueryError(error as Error, sql, parameters);
    throw new QueryFailedError(sql, parameters, error as Error);
  } finally {
    connection.removeListener('error', onBroken);
    connection.release(broken);
  }
}

export interface ReadOptions {
  /** Runs as a named prepared statement (`DATABASE_PREPARED_STATEMENTS`). */
  prepared: boolean;
}

/** Statement texts come from a few fixed shapes; past this many, further ones run unnamed. */
const MAX_STATEMENT_NAMES = 1000;
const statementNames = new Map<string, string>();

/**
 * A prepared statement's name, one per statement text: each connection parses and plans it
 * once, then only binds and executes it. The texts are the few fixed shapes of the hot reads.
 */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_STATEMENT_NAMES) {
    name = `runcell_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}
