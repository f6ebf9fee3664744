import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface S3Server {
  port: number;
  /** A storage DSN for this server (s3rver accepts the key and secret `S3RVER`). */
  dsn: string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

/** Starts s3rver on 127.0.0.1 with a random port, a temp folder and one bucket. */
export async function startS3Server(bucket = 'runcell'): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'runcell-s3rver-'));
  const child = fork(join(__dirname, 's3rver-process.ts'), [directory, bucket], {
    cwd: ROOT,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await waitForPort(child);
  let stopped = false;
  return {
    port,
    dsn: `s3://S3RVER:S3RVER@127.0.0.1:${port}/${bucket}?region=us-east-1&insecure=true`,
    async stop() {
      if (!stopped) {
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('s3rver did not start within 30 s'));
    }, 30_000);
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      resolvePort(message.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code} before listening`));
    });
  });
}
