import { InvalidConfigError, loadConfig } from './load-config';

function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const sut = loadConfig({});
    expect(sut.server.port).toBe(9900);
    expect(sut.server.maxBodySize).toBe(22 * 1024 * 1024);
    expect(sut.server.apiMaxBodySize).toBe(1024 * 1024);
    expect(sut.executor.authFailureLimit).toEqual({ limit: 30, windowSeconds: 60 });
    expect(sut.executor.networks).toEqual(['openruntimes-runtimes']);
    expect(sut.executor.inactiveThresholdSeconds).toBe(60);
    expect(sut.executor.maintenanceIntervalSeconds).toBe(3600);
    expect(sut.executor.runtimeVersions).toEqual(['v5']);
    expect(sut.executor.tmpDir).toBe('/tmp');
    expect(sut.executor.secret).toBe('');
    expect(sut.appRole).toBe('all');
  });

  it('reads URT_* before OPR_EXECUTOR_* and falls back to the legacy name', () => {
    const sut = loadConfig({
      URT_PORT: '8080',
      OPR_EXECUTOR_PORT: '7070',
      OPR_EXECUTOR_SECRET: 'legacy-secret',
      OPR_EXECUTOR_NETWORK: 'a, b',
      URT_KEEP_ALIVE: 'true',
      OPR_EXECUTOR_MIN_CPUS: '0.5',
      URT_MIN_MEMORY: '128',
      URT_RUNTIMES: 'runcell/node:v5,runcell/node:v2',
      OPR_EXECUTOR_CONNECTION_STORAGE: 'local://localhost',
    });
    expect(sut.server.port).toBe(8080);
    expect(sut.executor.secret).toBe('legacy-secret');
    expect(sut.executor.networks).toEqual(['a', 'b']);
    expect(sut.executor.keepAlive).toBe(true);
    expect(sut.executor.minCpus).toBe(0.5);
    expect(sut.executor.minMemoryMb).toBe(128);
    expect(sut.executor.runtimes).toEqual(['runcell/node:v5', 'runcell/node:v2']);
    expect(sut.storage.files).toEqual({ kind: 'local', baseDir: '/' });
  });

  it('accepts both spellings of the inactive threshold', () => {
    expect(
      loadConfig({ OPR_EXECUTOR_INACTIVE_TRESHOLD: '30' }).executor.inactiveThresholdSeconds,
    ).toBe(30);
    expect(
      loadConfig({ OPR_EXECUTOR_INACTIVE_THRESHOLD: '40' }).executor.inactiveThresholdSeconds,
    ).toBe(40);
    expect(
      loadConfig({ URT_INACTIVE_THRESHOLD: '50', OPR_EXECUTOR_INACTIVE_TRESHOLD: '30' }).executor
        .inactiveThresholdSeconds,
    ).toBe(50);
  });

  it('parses body sizes with units', () => {
    expect(loadConfig({ URT_MAX_BODY_SIZE: '20MB' }).server.maxBodySize).toBe(20 * 1024 * 1024);
    expect(loadConfig({ URT_MAX_BODY_SIZE: '1048576' }).server.maxBodySize).toBe(1048576);
    expect(loadConfig({ API_MAX_BODY_SIZE: '2MB' }).server.apiMaxBodySize).toBe(2 * 1024 * 1024);
  });

  it('reads the limit of failed executor authentications', () => {
    expect(
      loadConfig({ RATE_LIMIT_EXECUTOR_AUTH_FAILURES: '5/30' }).executor.authFailureLimit,
    ).toEqual({ limit: 5, windowSeconds: 30 });
    expect(configProblems({ RATE_LIMIT_EXECUTOR_AUTH_FAILURES: 'many' })).toEqual([
      expect.stringContaining('RATE_LIMIT_EXECUTOR_AUTH_FAILURES'),
    ]);
  });

  it('reads the compile stage limits and bounds the build output', () => {
    expect(loadConfig({}).executions).toMatchObject({
      compileTimeoutMs: 60_000,
      compileMemoryMb: 1024,
      compileOutputCapBytes: 64 * 1024,
      buildOutputMaxBytes: 64 * 1024 * 1024,
    });
    expect(
      loadConfig({ COMPILE_TIMEOUT_SECONDS: '5', COMPILE_OUTPUT_CAP: '1KB' }).executions,
    ).toMatchObject({ compileTimeoutMs: 5000, compileOutputCapBytes: 1024 });
    expect(configProblems({ BUILD_OUTPUT_MAX: '65MB' })).toEqual([
      expect.stringContaining('BUILD_OUTPUT_MAX'),
    ]);
  });

  it('runs at least 8 sandboxes at once by default, more than one user may hold', () => {
    const { executions } = loadConfig({});
    expect(executions.workerConcurrency).toBeGreaterThanOrEqual(8);
    expect(executions.perUserRunningCap).toBeLessThan(executions.workerConcurrency);
  });

  it('reads the bounds on synchronous waiters', () => {
    expect(loadConfig({}).executions).toMatchObject({ waitersPerUser: 10, waitersMax: 1000 });
    expect(
      loadConfig({ EXECUTION_WAITERS_PER_USER: '0', EXECUTION_WAITERS_MAX: '5' }).executions,
    ).toMatchObject({ waitersPerUser: 0, waitersMax: 5 });
    expect(
      configProblems({ EXECUTION_WAITERS_PER_USER: '-1', EXECUTION_WAITERS_MAX: 'x' }),
    ).toEqual([
      expect.stringContaining('EXECUTION_WAITERS_PER_USER'),
      expect.stringContaining('EXECUTION_WAITERS_MAX'),
    ]);
  });

  it('parses the legacy storage variables into the storage settings', () => {
    const legacy = {
      OPR_EXECUTOR_STORAGE_DEVICE: 's3',
      OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY: 'key',
      OPR_EXECUTOR_STORAGE_S3_SECRET: 'secret',
      OPR_EXECUTOR_STORAGE_S3_BUCKET: 'bucket',
    };
    const sut = loadConfig(legacy);
    expect(sut.storage.files).toMatchObject({
      kind: 's3',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      bucket: 'bucket',
    });
    expect(sut.storage.buildCache).toEqual(sut.storage.files);
  });

  it('reports a bad storage DSN without its credentials', () => {
    const problems = configProblems({ URT_CONNECTION_STORAGE: 's3://key:TopSecret@minio:9000' });
    expect(problems).toEqual([
      'URT_CONNECTION_STORAGE / OPR_EXECUTOR_CONNECTION_STORAGE: the bucket is missing; ' +
        'write it as the DSN path (…@host/bucket) (got "s3://***@minio:9000")',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = configProblems({
      URT_PORT: 'abc',
      URT_KEEP_ALIVE: 'maybe',
      APP_ROLE: 'boss',
      DATABASE_URL: 'mysql://x',
      JWT_SECRET: 'short',
    });
    expect(problems).toEqual([
      'JWT_SECRET must be at least 32 bytes long',
      'APP_ROLE must be one of all, api, worker (got "boss")',
      'URT_PORT must be a whole number (got "abc")',
      'URT_KEEP_ALIVE must be true or false (got "maybe")',
      'DATABASE_URL must use postgres: or postgresql: (got "mysql:")',
    ]);
  });

  it('refuses to start in production without a JWT secret', () => {
    expect(configProblems({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required in production (at least 32 bytes)',
    ]);
  });

  it('reads rate limits as <limit>/<window seconds> and rejects anything else', () => {
    const sut = loadConfig({ RATE_LIMIT_LOGIN: '3/60' });
    expect(sut.auth.rateLimits.login).toEqual({ limit: 3, windowSeconds: 60 });
    expect(sut.auth.rateLimits.register).toEqual({ limit: 5, windowSeconds: 3600 });
    expect(configProblems({ RATE_LIMIT_USER: '10 per hour' })).toEqual([
      'RATE_LIMIT_USER must be <limit>/<window seconds> such as 10/900 (got "10 per hour")',
    ]);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    const problem = 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together';
    expect(configProblems({ ADMIN_PASSWORD: 'a password' })).toEqual([problem]);
    expect(configProblems({ ADMIN_EMAIL: 'admin@example.com' })).toEqual([problem]);
    expect(configProblems({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'pw' })).toEqual([]);
  });

  it('rejects a port out of range', () => {
    expect(configProblems({ URT_PORT: '70000' })).toEqual([
      'URT_PORT must be at most 65535 (got 70000)',
    ]);
  });
});
