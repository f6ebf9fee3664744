import type { SandboxPoolSettings } from '../executions/sandbox/sandbox-pool.settings';
import type { StorageConfig } from './storage-settings';

export type AppRole = 'all' | 'api' | 'worker';
export type NodeEnvironment = 'production' | 'development' | 'test';

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body accepted under `/v1`, in bytes. */
  maxBodySize: number;
  /** Largest request body accepted by every other route (JSON only), in bytes. */
  apiMaxBodySize: number;
  trustProxy: boolean | string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  prettyLogs: boolean;
  shutdownTimeoutMs: number;
  swaggerEnabled: boolean;
}

/** The OpenRuntimes Executor settings (`URT_*`, then `OPR_EXECUTOR_*`). */
export interface ExecutorConfig {
  /** Empty means every authenticated `/v1` call is rejected. */
  secret: string;
  /** Failed `/v1` authentications per client address; past the limit the address gets 429. */
  authFailureLimit: RateLimitRule;
  env: 'development' | 'production';
  version: string;
  /** Prefix of runtime container names and tmp folders (`<hostname>-<runtimeId>`). */
  hostname: string;
  networks: string[];
  images: string[];
  imagePull: boolean;
  keepAlive: boolean;
  inactiveThresholdSeconds: number;
  maintenanceIntervalSeconds: number;
  /** Remove this instance's runtimes on shutdown instead of leaving them for the next to adopt. */
  shutdownRemoveRuntimes: boolean;
  /** How often container CPU/memory of runtimes is sampled for `/v1/health/stats` and metrics. */
  statsIntervalSeconds: number;
  /** Answer `GET /v1/health` with the legacy JSON (for the open-runtimes proxy) instead of `OK`. */
  healthStats: boolean;
  minCpus: number;
  minMemoryMb: number;
  /** Allowed runtime images; empty allows any image. Exact match. */
  runtimes: string[];
  runtimeVersions: string[];
  retryAttempts: number;
  retryDelayMs: number;
  dockerHubUsername: string;
  dockerHubPassword: string;
  /** Host folder for runtime work files; must be a valid bind-mount source on the Docker host. */
  tmpDir: string;
  /** Largest answer accepted from a runtime, in bytes; a larger one fails the execution. */
  maxResponseSize: number;
  runtimeHardening: RuntimeHardeningConfig;
}

/** Limits and privileges of every runtime container (function code is untrusted). */
export interface RuntimeHardeningConfig {
  pidsLimit: number;
  /** Capabilities kept; every other one is dropped. */
  capabilities: string[];
  noNewPrivileges: boolean;
  /** Swap allowed on top of the memory limit, in MB (0: none). */
  swapMb: number;
}

export interface DatabaseConfig {
  url: string;
  poolSize: number;
  logQueries: boolean;
  /** The hot reads (the account of every authenticated request, the task page) run as named prepared statements. */
  preparedStatements: boolean;
}

export interface RedisConfig {
  url: string;
  /** Prefix of every BullMQ key, so several deployments can share one Redis. */
  queuePrefix: string;
}

export interface DockerConfig {
  /** `unix:///var/run/docker.sock`, a plain socket path, or `tcp://host:port`. */
  host: string;
  /** Value of the `runcell.instance` label on every container this instance creates. */
  instanceId: string;
}

/** A fixed-window rate limit: at most `limit` requests per `windowSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** Names of the shared rate limits; `user` covers every authenticated route without its own. */
export type RateLimitName =
  'register' | 'login' | 'loginAddress' | 'refresh' | 'user' | 'taskCreate' | 'executionCreate';

export interface AuthConfig {
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rateLimitsEnabled: boolean;
  rateLimits: Record<RateLimitName, RateLimitRule>;
  /** Password hashes and verifications computed at once by this process (argon2 is costly). */
  passwordHashConcurrency: number;
  /** Sign-ins and sign-ups waiting for a hash slot; beyond it they answer 503 at once. */
  passwordHashQueue: number;
  bootstrapAdminEmail?: string;
  bootstrapAdminPassword?: string;
}

export interface ExecutionsConfig {
  workerConcurrency: number;
  perUserRunningCap: number;
  maxAttempts: number;
  /** A worker's job lock; a job whose worker died is retried after about this long. */
  queueLockMs: number;
  outputCapBytes: number;
  /** Finished executions (and their output) are deleted this many days after they end; 0 keeps them. */
  retentionDays: number;
  /** Live output streams one user may have open at once (across replicas). */
  liveStreamsPerUser: number;
  /** The longest a live output stream stays open; clients resume with `Last-Event-ID`. */
  liveStreamMaxSeconds: number;
  /** Requests waiting (`?wait=`) for their execution to finish, per user and in all, per process. */
  waitersPerUser: number;
  waitersMax: number;
  sandboxPidsLimit: number;
  sandboxImagePrefix: string;
  sandboxImageTag: string;
  /** Compile stage of compiled languages: wall clock, memory, compiler-message cap. */
  compileTimeoutMs: number;
  compileMemoryMb: number;
  compileOutputCapBytes: number;
  /** Largest build output (tar of /build) passed from the compile to the run stage. */
  buildOutputMaxBytes: number;
  /** The warm pool of sandboxes kept by worker roles (`SANDBOX_POOL_*`). */
  sandboxPool: SandboxPoolSettings;
}

export interface RuncellConfig {
  nodeEnv: NodeEnvironment;
  appRole: AppRole;
  version: string;
  server: ServerConfig;
  executor: ExecutorConfig;
  database: DatabaseConfig;
  redis: RedisConfig;
  docker: DockerConfig;
  auth: AuthConfig;
  executions: ExecutionsConfig;
  /** Storage devices, parsed from their DSNs (or the legacy variables) at start-up. */
  storage: StorageConfig;
}
