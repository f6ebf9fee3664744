import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { DatabaseConfig } from '../config';

export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    logging: config.logQueries ? 'all' : false,
    extra: { max: config.poolSize, connectionTimeoutMillis: 5000 },
  };
}
