import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './runcell-process';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A Redis server of the test's own, on a free loopback port, that the test may stop and restart. */
export class PrivateRedis {
  private process?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'runcell-redis-')));
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Stops the server (SIGTERM: it finishes writing its append-only file, as in production). */
  async stop(): Promise<void> {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = once(this.process, 'exit');
    this.process.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async restart(): Promise<void> {
    await this.stop();
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      () =>
        execFileSync('redis-cli', ['-p', String(this.port), 'ping'])
          .toString()
          .trim() === 'PONG',
    );
  }
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp folder, run as the `postgres` user) on
 * a free loopback port, so a test can restart it without disturbing the shared server.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), 'runcell-pg-'));
    chmodSync(dataDir, 0o777);
    const postgres = new PrivatePostgres(await freePort(), join(dataDir, 'data'));
    asPostgres(`${PG_BIN}/initdb`, [
      '-D',
      postgres.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    postgres.restart();
    asPostgres(`${PG_BIN}/psql`, [
      '-h',
      '127.0.0.1',
      '-p',
      String(postgres.port),
      '-U',
      'postgres',
      '-c',
      'CREATE DATABASE runcell',
    ]);
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/runcell`;
  }

  restart(): void {
    asPostgres(`${PG_BIN}/pg_ctl`, [
      '-D',
      this.dataDir,
      '-o',
      `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1`,
      '-l',
      `${this.dataDir}.log`,
      '-w',
      'restart',
    ]);
  }

  stop(): void {
    try {
      asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already stopped
    }
  }

  remove(): void {
    this.stop();
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }
}

function asPostgres(command: string, args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('service did not come up in time');
    await new Promise((done) => setTimeout(done, 100));
  }
}
