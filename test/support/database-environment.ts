import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';
import { randomBytes } from 'node:crypto';
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
 * `afterAll`, open connections or not.
 */
export default class DatabaseEnvironment extends TestEnvironment {
  private readonly baseUrl: string;
  private readonly template: string;
  private readonly database: string;

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
    this.database = runDatabaseName(this.baseUrl, runPid, `s${suffix}`);
    const env = this.global.process.env;
    env.DATABASE_URL = withDatabase(this.baseUrl, this.database);
    env[BASE_DATABASE_URL_ENV] = this.baseUrl;
    env.QUEUE_PREFIX ??= `test-suite-${suffix}`;
  }

  override async setup(): Promise<void> {
    await super.setup();
    await withAdminClient(this.baseUrl, (client) =>
      createDatabase(client, this.database, this.template),
    );
  }

  override async teardown(): Promise<void> {
    await withAdminClient(this.baseUrl, (client) => dropDatabase(client, this.database));
    await super.teardown();
  }
}
