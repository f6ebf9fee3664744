import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { EnvReader, executorVar } from './env-reader';
import {
  MAX_POOL_SIZE,
  parsePoolLanguages,
  POOL_DEFAULTS,
  SandboxPoolSettings,
} from '../executions/sandbox/sandbox-pool.settings';
import { RateLimitRule, RuncellConfig } from './runcell-config';
import { parseStorageConfig, StorageConfig } from './storage-settings';

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

const LEGACY_STORAGE_PATTERN = /^OPR_EXECUTOR_STORAGE_[A-Z0-9_]+$/;
const MIN_JWT_SECRET_BYTES = 32;
const MIB = 1024 * 1024;

/** Variables from a `.env` file, without overriding the real environment. */
export function readDotEnv(file = resolve(process.cwd(), '.env')): Record<string, string> {
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** What the OpenRuntimes images need to install packages, unpack archives and start as root. */
const DEFAULT_RUNTIME_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'];

/** Builds the whole configuration once; throws `InvalidConfigError` listing every problem. */
export function loadConfig(
  env: Record<string, string | undefined>,
  packageVersion = '0.0.0',
): RuncellConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf(
    'NODE_ENV',
    ['production', 'development', 'test'] as const,
    'development',
  );
  const production = nodeEnv === 'production';

  const secret = read.string(executorVar('SECRET'), '');
  const legacyStorage: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (LEGACY_STORAGE_PATTERN.test(name) && value !== undefined) legacyStorage[name] = value;
  }

  const jwtSecret = read.optionalString('JWT_SECRET');
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < MIN_JWT_SECRET_BYTES) {
    read.problem(`JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes long`);
  } else if (jwtSecret === undefined && production) {
    read.problem(`JWT_SECRET is required in production (at least ${MIN_JWT_SECRET_BYTES} bytes)`);
  }

  if (
    (read.optionalString('ADMIN_EMAIL') === undefined) !==
    (read.optionalString('ADMIN_PASSWORD') === undefined)
  ) {
    read.problem('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }

  const config: RuncellConfig = {
    nodeEnv,
    appRole: read.oneOf('APP_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    version: packageVersion,
    server: {
      host: read.string(executorVar('HOST'), '0.0.0.0'),
      port: read.int(executorVar('PORT'), 9900, { min: 1, max: 65535 }),
      maxBodySize: read.bytes(executorVar('MAX_BODY_SIZE'), 22 * MIB),
      apiMaxBodySize: read.bytes('API_MAX_BODY_SIZE', MIB),
      trustProxy: readTrustProxy(read),
      logLevel: read.oneOf(
        'LOG_LEVEL',
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
        nodeEnv === 'test' ? 'silent' : 'info',
      ),
      prettyLogs: read.bool('LOG_PRETTY', false),
      shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 30_000, { min: 0 }),
      swaggerEnabled: read.bool('SWAGGER_ENABLED', true),
    },
    executor: {
      secret,
      authFailureLimit: readRateLimit(read, 'RATE_LIMIT_EXECUTOR_AUTH_FAILURES', {
        limit: 30,
        windowSeconds: 60,
      }),
      env: read.oneOf(executorVar('ENV'), ['development', 'production'] as const, 'production'),
      version: read.string(executorVar('VERSION'), packageVersion),
      hostname: read.string(executorVar('HOSTNAME'), hostname()),
      networks: read.list(executorVar('NETWORK'), ['openruntimes-runtimes']),
      images: read.list(executorVar('IMAGES'), []),
      imagePull: read.bool(executorVar('IMAGE_PULL'), true),
      keepAlive: read.bool(executorVar('KEEP_ALIVE'), false),
      inactiveThresholdSeconds: read.int(
        executorVar('INACTIVE_THRESHOLD', 'INACTIVE_TRESHOLD'),
        60,
        { min: 1 },
      ),
      maintenanceIntervalSeconds: read.int(executorVar('MAINTENANCE_INTERVAL'), 3600, { min: 1 }),
      shutdownRemoveRuntimes: read.bool('URT_SHUTDOWN_REMOVE_RUNTIMES', false),
      statsIntervalSeconds: read.int('URT_STATS_INTERVAL', 15, { min: 1 }),
      healthStats: read.bool('URT_HEALTH_STATS', false),
      minCpus: read.float(executorVar('MIN_CPUS'), 0, { min: 0 }),
      minMemoryMb: read.int(executorVar('MIN_MEMORY'), 0, { min: 0 }),
      runtimes: read.list(executorVar('RUNTIMES'), []),
      runtimeVersions: read.list(executorVar('RUNTIME_VERSIONS'), ['v5']),
      retryAttempts: read.int(executorVar('RETRY_ATTEMPTS'), 5, { min: 0 }),
      retryDelayMs: read.int(executorVar('RETRY_DELAY_MS'), 500, { min: 0 }),
      dockerHubUsername: read.string(executorVar('DOCKER_HUB_USERNAME'), ''),
      dockerHubPassword: read.string(executorVar('DOCKER_HUB_PASSWORD'), ''),
      tmpDir: read.string(executorVar('TMP_DIR'), '/tmp'),
      maxResponseSize: read.bytes('URT_MAX_RESPONSE_SIZE', 20 * MIB),
      runtimeHardening: {
        pidsLimit: read.int('URT_RUNTIME_PIDS_LIMIT', 1024, { min: 16 }),
        capabilities: read
          .list('URT_RUNTIME_CAPABILITIES', DEFAULT_RUNTIME_CAPABILITIES)
          .map((capability) => capability.toUpperCase().replace(/^CAP_/, '')),
        noNewPrivileges: read.bool('URT_RUNTIME_NO_NEW_PRIVILEGES', true),
        swapMb: read.int('URT_RUNTIME_SWAP', 0, { min: 0 }),
      },
    },
    database: {
      url: read.url('DATABASE_URL', 'postgres://runcell:runcell@127.0.0.1:5432/runcell', [
        'postgres:',
        'postgresql:',
      ]),
      poolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
      logQueries: read.bool('DATABASE_LOG_QUERIES', false),
      preparedStatements: read.bool('DATABASE_PREPARED_STATEMENTS', true),
    },
    redis: {
      url: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
      queuePrefix: read.string('QUEUE_PREFIX', 'runcell'),
    },
    docker: {
      host: read.string('DOCKER_HOST', 'unix:///var/run/docker.sock'),
      instanceId: read.string('RUNCELL_INSTANCE_ID', hostname()),
    },
    auth: {
      jwtSecret: jwtSecret ?? randomBytes(48).toString('base64url'),
      jwtIssuer: read.string('JWT_ISSUER', 'runcell'),
      jwtAudience: read.string('JWT_AUDIENCE', 'runcell-api'),
      accessTokenTtlSeconds: read.int('JWT_ACCESS_TTL_SECONDS', 900, { min: 30 }),
      refreshTokenTtlSeconds: read.int('JWT_REFRESH_TTL_SECONDS', 7 * 24 * 3600, { min: 60 }),
      rateLimitsEnabled: read.bool('RATE_LIMITS_ENABLED', true),
      rateLimits: {
        register: readRateLimit(read, 'RATE_LIMIT_REGISTER', { limit: 5, windowSeconds: 3600 }),
        login: readRateLimit(read, 'RATE_LIMIT_LOGIN', { limit: 10, windowSeconds: 900 }),
        loginAddress: readRateLimit(read, 'RATE_LIMIT_LOGIN_ADDRESS', {
          limit: 30,
          windowSeconds: 900,
        }),
        refresh: readRateLimit(read, 'RATE_LIMIT_REFRESH', { limit: 60, windowSeconds: 3600 }),
        user: readRateLimit(read, 'RATE_LIMIT_USER', { limit: 6000, windowSeconds: 3600 }),
        taskCreate: readRateLimit(read, 'RATE_LIMIT_TASK_CREATE', {
          limit: 120,
          windowSeconds: 3600,
        }),
        executionCreate: readRateLimit(read, 'RATE_LIMIT_EXECUTION_CREATE', {
          limit: 300,
          windowSeconds: 3600,
        }),
      },
      passwordHashConcurrency: read.int(
        'PASSWORD_HASH_CONCURRENCY',
        Math.max(1, Math.floor(availableParallelism() / 2)),
        { min: 1, max: 64 },
      ),
      passwordHashQueue: read.int('PASSWORD_HASH_QUEUE', 32, { min: 0, max: 10_000 }),
      bootstrapAdminEmail: read.optionalString('ADMIN_EMAIL'),
      bootstrapAdminPassword: read.optionalString('ADMIN_PASSWORD'),
    },
    executions: {
      // A container's life is mostly spent waiting on the Docker daemon, so even 2 cores keep 8
      // busy; above the per-user cap, one user's flood always leaves slots for the others.
      workerConcurrency: read.int('WORKER_CONCURRENCY', Math.max(8, 2 * availableParallelism()), {
        min: 1,
        max: 256,
      }),
      perUserRunningCap: read.int('USER_RUNNING_CAP', 5, { min: 1 }),
      maxAttempts: read.int('EXECUTION_MAX_ATTEMPTS', 3, { min: 1, max: 10 }),
      queueLockMs: read.int('QUEUE_LOCK_MS', 30_000, { min: 1000 }),
      outputCapBytes: read.bytes('SANDBOX_OUTPUT_CAP', MIB),
      retentionDays: read.int('EXECUTION_RETENTION_DAYS', 30, { min: 0, max: 36_500 }),
      liveStreamsPerUser: read.int('LIVE_STREAMS_PER_USER', 5, { min: 1, max: 1000 }),
      liveStreamMaxSeconds: read.int('LIVE_STREAM_MAX_SECONDS', 3600, { min: 1, max: 86_400 }),
      waitersPerUser: read.int('EXECUTION_WAITERS_PER_USER', 10, { min: 0, max: 10_000 }),
      waitersMax: read.int('EXECUTION_WAITERS_MAX', 1000, { min: 0, max: 100_000 }),
      sandboxPidsLimit: read.int('SANDBOX_PIDS_LIMIT', 64, { min: 8 }),
      sandboxImagePrefix: read.string('SANDBOX_IMAGE_PREFIX', 'runcell/sandbox-'),
      sandboxImageTag: read.string('SANDBOX_IMAGE_TAG', '1'),
      compileTimeoutMs: read.int('COMPILE_TIMEOUT_SECONDS', 60, { min: 1, max: 600 }) * 1000,
      compileMemoryMb: read.int('COMPILE_MEMORY_MB', 1024, { min: 64, max: 16384 }),
      compileOutputCapBytes: read.bytes('COMPILE_OUTPUT_CAP', 64 * 1024),
      buildOutputMaxBytes: read.bytes('BUILD_OUTPUT_MAX', 64 * MIB),
      sandboxPool: readSandboxPool(read),
    },
    // Last, so its problems are listed after the others, as they always were.
    storage: readStorageConfig(read, legacyStorage),
  };

  // The build output passes through the sandboxes' /tmp tmpfs and the file-size limit (64 MiB).
  if (config.executions.buildOutputMaxBytes > 64 * MIB) {
    read.problem('BUILD_OUTPUT_MAX must be at most 64MB');
  }
  if (read.problems.length > 0) throw new InvalidConfigError(read.problems);
  return config;
}

/** The storage DSNs (or legacy variables) parsed into driver settings, problems reported. */
function readStorageConfig(
  read: EnvReader,
  legacyStorage: Readonly<Record<string, string>>,
): StorageConfig {
  const { storage, problems } = parseStorageConfig({
    connectionStorage: read.string(executorVar('CONNECTION_STORAGE'), ''),
    connectionBuildCacheStorage: read.string(executorVar('CONNECTION_BUILD_CACHE_STORAGE'), ''),
    legacyStorage,
  });
  for (const problem of problems) read.problem(problem);
  return storage;
}

function readTrustProxy(read: EnvReader): boolean | string {
  const value = read.optionalString('TRUST_PROXY');
  if (value === undefined) return false;
  if (['true', '1'].includes(value.toLowerCase())) return true;
  if (['false', '0'].includes(value.toLowerCase())) return false;
  return value;
}

/** The configuration of this process: `.env` (when present) under the real environment. */
export function loadProcessConfig(
  overrides: Record<string, string | undefined> = {},
): RuncellConfig {
  return loadConfig({ ...readDotEnv(), ...process.env, ...overrides }, packageVersion());
}

/** The version in the nearest package.json above this file (works from `src/` and `dist/src/`). */
function packageVersion(): string {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      return (
        (JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string }).version ?? '0.0.0'
      );
    }
  }
  return '0.0.0';
}

function readSandboxPool(read: EnvReader): SandboxPoolSettings {
  const size = read.int('SANDBOX_POOL_SIZE', POOL_DEFAULTS.size, { min: 0, max: MAX_POOL_SIZE });
  const { targets, problems } = parsePoolLanguages(
    read.string('SANDBOX_POOL_LANGUAGES', POOL_DEFAULTS.languages),
  );
  for (const problem of problems) read.problem(problem);
  const idleSeconds = read.int('SANDBOX_POOL_IDLE_SECONDS', POOL_DEFAULTS.idleSeconds, {
    min: 10,
    max: 86_400,
  });
  return { size, targets, idleMs: idleSeconds * 1000 };
}

/** A rate limit written `<limit>/<window seconds>`, e.g. `10/900` for 10 per 15 minutes. */
function readRateLimit(read: EnvReader, name: string, fallback: RateLimitRule): RateLimitRule {
  const found = read.raw(name);
  if (!found || found.value.trim() === '') return fallback;
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(found.value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    read.problem(`${name} must be <limit>/<window seconds> such as 10/900 (got "${found.value}")`);
    return fallback;
  }
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}
