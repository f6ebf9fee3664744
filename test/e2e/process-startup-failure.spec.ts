import { once } from 'node:events';
import { createServer } from 'node:net';
import { freePort, spawnRuncell } from '../support/runcell-process';

describe('the Runcell process when it cannot start', () => {
  it('exits with code 1 and one line naming the cause when its port is taken', async () => {
    const port = await freePort();
    const squatter = createServer();
    squatter.listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const child = spawnRuncell({ URT_PORT: String(port), URT_HOST: '127.0.0.1' });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];

      expect(code).toBe(1);
      expect(stderr).toMatch(/^Runcell failed to start: .*EADDRINUSE.*\n$/m);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      squatter.close();
    }
  });
});
