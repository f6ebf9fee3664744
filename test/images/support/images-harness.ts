import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const IMAGES = {
  base: 'runcell/base:bookworm',
  nodeV5: 'runcell/node:v5',
  nodeV2: 'runcell/node:v2',
  sandbox: {
    python: 'runcell/sandbox-python:1',
    javascript: 'runcell/sandbox-javascript:1',
    typescript: 'runcell/sandbox-typescript:1',
    bash: 'runcell/sandbox-bash:1',
  },
} as const;

export const TEST_LABEL = 'runcell.test=images';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI; never throws for a non-zero exit (the result says it). */
export function docker(args: string[], input?: Buffer | string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Like docker() but throws with the CLI's stderr when the command fails. */
export async function dockerOk(args: string[], input?: Buffer | string): Promise<string> {
  const r = await docker(args, input);
  if (r.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  }
  return r.stdout.trim();
}

/** Fails loudly when Docker or an image is missing: these tests never pass silently. */
export async function requireImages(...refs: string[]): Promise<void> {
  const ping = await docker(['version', '--format', '{{.Server.Version}}']);
  if (ping.code !== 0) throw new Error(`Docker is not reachable: ${ping.stderr.trim()}`);
  for (const ref of refs) {
    const r = await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
    if (r.code !== 0) throw new Error(`image ${ref} is missing: run \`npm run images\` first`);
  }
}

/** Tracks the containers and folders one test file creates, and removes them all. */
export class Scratch {
  private readonly containers: string[] = [];
  private readonly dirs: string[] = [];
  readonly prefix = `runcell-images-test-${randomBytes(4).toString('hex')}`;

  dir(files: Record<string, string | Buffer> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    this.dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  /** `docker run -d` with the test label; returns the container id. */
  async start(args: string[]): Promise<string> {
    const name = `${this.prefix}-${this.containers.length}`;
    const id = await dockerOk(['run', '-d', '--name', name, '--label', TEST_LABEL, ...args]);
    this.containers.push(id);
    return id;
  }

  /** `docker run --rm -i` with the test label, stdin from `input`. */
  async run(args: string[], input?: Buffer | string): Promise<RunResult> {
    const name = `${this.prefix}-${this.containers.length}`;
    this.containers.push(name);
    return docker(['run', '--rm', '-i', '--name', name, '--label', TEST_LABEL, ...args], input);
  }

  async cleanup(): Promise<void> {
    if (this.containers.length > 0) await docker(['rm', '-f', '-v', ...this.containers]);
    const left = await dockerOk([
      'ps',
      '-aq',
      '--filter',
      `label=${TEST_LABEL}`,
      '--filter',
      `name=${this.prefix}`,
    ]);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    if (left !== '') throw new Error(`containers left behind: ${left}`);
  }
}

/** A gzip tarball (what callers upload as code.tar.gz) of the given files. */
export async function tarGz(
  scratch: Scratch,
  files: Record<string, string | Buffer>,
): Promise<Buffer> {
  const src = scratch.dir(files);
  const out = scratch.dir();
  await execFileAsync('tar', ['-czf', join(out, 'code.tar.gz'), '-C', src, '.']);
  return readFileSync(join(out, 'code.tar.gz'));
}

export async function containerIp(id: string): Promise<string> {
  const ip = await dockerOk([
    'inspect',
    '--format',
    '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
    id,
  ]);
  if (!ip) throw new Error(`container ${id} has no IP address`);
  return ip;
}

/** Waits until host:port accepts TCP connections, polling every 50 ms. */
export async function waitForPort(host: string, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not open in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** node:http request that can set Host and send any method with a binary body. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Runs a command in a running container the way the executor does for v5 builds. */
export function execScript(id: string, command: string, env: string[] = []): Promise<RunResult> {
  const escaped = command.replace(/"/g, '\\"');
  const wrapper =
    'mkdir -p /tmp/logging && touch /tmp/logging/timings.txt /tmp/logging/logs.txt && ' +
    `script --log-out /tmp/logging/logs.txt --flush --log-timing /tmp/logging/timings.txt --return --quiet --command "${escaped}"`;
  return docker(['exec', ...env.flatMap((e) => ['-e', e]), id, 'bash', '-c', wrapper]);
}
