import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
/** Compiled like production (`nest build` output), inside the gitignored `dist/`. */
export const BUILD_DIR = join(ROOT, 'dist', 'bench-build');

/** Compiles `src` and `migrations` with tsconfig.build.json, as the service image does. */
export function buildRuncell(): void {
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      BUILD_DIR,
      '--incremental',
      'false',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export function runMigrations(env: Record<string, string>): void {
  execFileSync(process.execPath, [join(BUILD_DIR, 'src/database/migrate.cli.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function spawnNode(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in MiB, the same figure as its `process.memoryUsage().rss`. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** User + system CPU time a process has used so far, in ms (`/proc/<pid>/stat`, 100 ticks/s). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Samples a process's RSS every 250 ms until stopped; returns the peak and the median. */
export function sampleRss(pid: number): () => RssSummary {
  const sampler = new RssSampler(pid);
  const stop = sampler.start();
  return () => {
    stop();
    return sampler.summary();
  };
}

export interface RssSummary {
  peakMiB: number;
  medianMiB: number;
}

/** RSS samples of a process every 250 ms while started, over one or more stretches. */
export class RssSampler {
  private readonly samples: number[] = [];

  constructor(private readonly pid: number) {}

  /** Starts sampling; the function returned stops it. */
  start(): () => void {
    this.samples.push(rssMiB(this.pid));
    const timer = setInterval(() => this.samples.push(rssMiB(this.pid)), 250);
    return () => {
      clearInterval(timer);
      this.samples.push(rssMiB(this.pid));
    };
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    const stop = this.start();
    try {
      return await work();
    } finally {
      stop();
    }
  }

  summary(): RssSummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      peakMiB: Math.round(sorted[sorted.length - 1] ?? 0),
      medianMiB: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** CPU time the whole machine has been busy so far, in ms summed over all cores (`/proc/stat`). */
export function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  // cpu user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}
