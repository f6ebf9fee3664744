import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function startRuncell(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Runcell exited early with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('Runcell did not become healthy in 30 s');
}

describe('the Runcell process', () => {
  it('exits non-zero with one message listing every configuration problem', async () => {
    const child = startRuncell({ URT_PORT: 'abc', APP_ROLE: 'boss' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(78);
    expect(stderr).toContain('Invalid configuration:');
    expect(stderr).toContain('URT_PORT must be a whole number (got "abc")');
    expect(stderr).toContain('APP_ROLE must be one of all, api, worker (got "boss")');
  });

  it('serves /health, /ready and /v1/health on its port and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = startRuncell({ URT_PORT: String(port), URT_HOST: '127.0.0.1' });
    try {
      await waitForHealth(port, child);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      const executor = await fetch(`http://127.0.0.1:${port}/v1/health`);
      expect(await executor.text()).toBe('OK');
      child.kill('SIGTERM');
      // Nest closes the application, then re-raises the signal so the exit reports it.
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      expect({ code, signal }).toEqual(
        code === 0 ? { code: 0, signal: null } : { code: null, signal: 'SIGTERM' },
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
