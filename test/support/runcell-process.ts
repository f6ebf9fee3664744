import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The JWT secret every test instance shares, so tokens from one are valid on another. */
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';

/**
 * Where `npm test` collects the V8 coverage of Runcell child processes (merged with Jest's own
 * coverage afterwards). Jest's coverage does not reach into other processes.
 */
function childCoverageEnv(): Record<string, string> {
  const directory = process.env.RUNCELL_TEST_CHILD_COVERAGE_DIR;
  return directory ? { NODE_V8_COVERAGE: directory } : {};
}

/** Runcell as a real child process (ts-node), for tests that signal or kill it. */
export function spawnRuncell(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...childCoverageEnv(),
      TS_NODE_PROJECT: 'tsconfig.json',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of Runcell's command-line entry points (e.g. `src/database/migrate.cli.ts`) to its end. */
export async function runRuncellCommand(
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    cwd: ROOT,
    env: { ...process.env, ...childCoverageEnv(), TS_NODE_PROJECT: 'tsconfig.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export async function waitForHttp(
  url: string,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Runcell exited early with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
}

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** The environment of a worker process that shares a queue (`shared`) with an in-process API. */
export async function workerProcessEnv(
  shared: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    ...shared,
    APP_ROLE: 'worker',
    URT_HOST: '127.0.0.1',
    URT_PORT: String(await freePort()),
    JWT_SECRET: TEST_JWT_SECRET,
    ...extra,
  };
}
