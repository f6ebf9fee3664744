import { once } from 'node:events';
import { freePort, spawnRuncell as startRuncell, waitForHttp } from '../support/runcell-process';

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
      await waitForHttp(`http://127.0.0.1:${port}/health`, child);
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
