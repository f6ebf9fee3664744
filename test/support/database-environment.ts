import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';
import { randomBytes } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import {
  BASE_DATABASE_URL_ENV,
  createDatabase,
  dropDatabase,
  RUN_PID_ENV,
  runDatabaseName,
  TEMPLATE_DATABASE_ENV,
  withAdminClient,
  withDatabase,
} from './test-databases';

/**
 * The Node test environment plus a database and a Redis key prefix of the test file's own: the
 * clone exists before the file's first line runs (so `DATABASE_URL` points at it for the app,
 * `testConfig()` and every Runcell child process the file spawns) and is dropped after its last
 * `afterAll`, open connections or not. Unit specs beside the code (`src/`) use in-memory fakes and
 * get no clone (it costs a second or two per file on a busy machine): their `DATABASE_URL` names a
 * database that does not exist, so one that reaches for Postgres fails instead of sharing one.
 */
export default class DatabaseEnvironment extends TestEnvironment {
  private readonly baseUrl: string;
  private readonly template: string;
  private readonly database?: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const template = process.env[TEMPLATE_DATABASE_ENV];
    const runPid = Number(process.env[RUN_PID_ENV]);
    if (!template || !Number.isInteger(runPid)) {
      throw new Error('no template database: run Jest with test/support/global-setup.ts');
    }
    this.template = template;
    this.baseUrl = process.env.DATABASE_URL as string;
    const suffix = randomBytes(4).toString('hex');
    const needsDatabase = !relative(join(config.projectConfig.rootDir, 'test'), context.testPath)
      .split(sep)
      .includes('..');
    if (needsDatabase) this.database = runDatabaseName(this.baseUrl, runPid, `s${suffix}`);
    const env = this.global.process.env;
    env.DATABASE_URL = withDatabase(
      this.baseUrl,
      this.database ?? runDatabaseName(this.baseUrl, runPid, 'nodb'),
    );
    env[BASE_DATABASE_URL_ENV] = this.baseUrl;
    env.QUEUE_PREFIX ??= `test-suite-${suffix}`;
    // Containers carry the instance id: one per file, so a file's orphan sweeps and leftover
    // checks never see another file's sandboxes (the global setup's id is shared by all).
    env.RUNCELL_INSTANCE_ID = `test-${suffix}`;
  }

  override async setup(): Promise<void> {
    await super.setup();
    const database = this.database;
    if (!database) return;
    await withAdminClient(this.baseUrl, (client) =>
      createDatabase(client, database, this.template),
    );
  }

  override async teardown(): Promise<void> {
    const database = this.database;
    if (database) await withAdminClient(this.baseUrl, (client) => dropDatabase(client, database));
    await super.teardown();
  }
}
