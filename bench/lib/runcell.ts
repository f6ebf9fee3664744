import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import {
  BUILD_DIR,
  freePort,
  ROOT,
  runMigrations,
  spawnNode,
  stopProcess,
  waitForHttp,
} from './processes';

export const EXECUTOR_SECRET = `bench-${randomBytes(12).toString('hex')}`;
export const BENCH_LABEL = 'runcell.bench';

/** One Runcell child process, production build and settings, with its own executor names. */
export interface RuncellUnderTest {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  env: Record<string, string>;
  executorHostname: string;
  network: string;
  docker: Docker;
  /** Writes the CPU profile sampled so far (when started with a profile file). */
  writeProfile(): Promise<void>;
  close(): Promise<void>;
}

export function runcellEnv(port: number, executorHostname: string, tmpDir: string) {
  return {
    NODE_ENV: 'production',
    // The request log stays on, as in production: its cost is part of what is measured.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATABASE_URL:
      process.env.DATABASE_URL ??
      'postgres://runcell_bench:runcell_bench@127.0.0.1:5432/runcell_bench',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/10',
    JWT_SECRET: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    RATE_LIMITS_ENABLED: 'false',
    SWAGGER_ENABLED: 'false',
    RUNCELL_INSTANCE_ID: executorHostname,
    URT_HOST: '127.0.0.1',
    URT_PORT: String(port),
    URT_HOSTNAME: executorHostname,
    URT_NETWORK: `runcell-bench-${executorHostname}`,
    URT_SECRET: EXECUTOR_SECRET,
    URT_RUNTIME_VERSIONS: 'v5',
    URT_TMP_DIR: tmpDir,
    URT_IMAGE_PULL: 'false',
  };
}

/**
 * Starts the compiled Runcell as a child process. With `profileFile`, it samples its CPU from
 * start-up and writes the profile there when `writeProfile()` is called.
 */
export async function startRuncell(
  profileFile?: string,
  extraEnv: Record<string, string> = {},
): Promise<RuncellUnderTest> {
  const executorHostname = `bench${randomBytes(4).toString('hex')}`;
  const tmpDir = mkdtempSync('/tmp/runcell-bench-');
  const port = await freePort();
  const env = { ...runcellEnv(port, executorHostname, tmpDir), ...extraEnv };
  runMigrations(env);
  const preload = profileFile ? ['-r', join(__dirname, 'profile-preload.js')] : [];
  const child = spawnNode([...startFlags(), ...preload, join(BUILD_DIR, 'src/main.js')], {
    ...env,
    ...(profileFile ? { RUNCELL_BENCH_PROFILE: profileFile } : {}),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/ready`, child);
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  return {
    child,
    pid: child.pid ?? 0,
    baseUrl,
    env,
    executorHostname,
    network: env.URT_NETWORK,
    docker,
    writeProfile: async () => {
      if (!profileFile) return;
      child.kill('SIGUSR2');
      for (let waited = 0; waited < 30_000 && !existsSync(profileFile); waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => {
      await stopProcess(child);
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`openruntimes-executor=${executorHostname}`] },
      });
      for (const container of left) {
        await docker.getContainer(container.Id).remove({ force: true });
      }
      await docker
        .getNetwork(env.URT_NETWORK)
        .remove()
        .catch(() => undefined);
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

/**
 * The Node flags of the service's own start command (`npm start`, the image's CMD is the same),
 * so the benchmark measures Runcell as it is run; BENCH_NODE_FLAGS replaces them.
 */
export function startFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) {
    return process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  }
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = manifest.scripts.start.split(' ');
  return words.slice(1, -1).filter((word) => word.startsWith('--'));
}

/** Removes every container this benchmark started itself (raw baselines carry BENCH_LABEL). */
export async function removeBenchContainers(docker: Docker): Promise<number> {
  const left = await docker.listContainers({ all: true, filters: { label: [BENCH_LABEL] } });
  for (const container of left) {
    await docker.getContainer(container.Id).remove({ force: true });
  }
  return left.length;
}

export async function executorCall(
  baseUrl: string,
  method: string,
  path: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${EXECUTOR_SECRET}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  return { status: response.status, text: await response.text() };
}
