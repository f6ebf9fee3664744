import { once } from 'node:events';
import { freePort, spawnRuncell, waitForHttp } from '../support/runcell-process';

describe('the request log of the Runcell process', () => {
  it('writes one line per request to stdout, the last ones included when stopped at once', async () => {
    const port = await freePort();
    const child = spawnRuncell({
      URT_PORT: String(port),
      URT_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, child);
      const marks = Array.from({ length: 50 }, (_, index) => `/api/v1/log-mark-${index}`);
      await Promise.all(marks.map((mark) => fetch(`http://127.0.0.1:${port}${mark}`)));
      child.kill('SIGTERM');
      await once(child, 'exit');
      const requestLines = stdout
        .split('\n')
        .filter((line) => line.includes('/api/v1/log-mark-'))
        .map((line) => JSON.parse(line) as { req: { url: string }; res: { statusCode: number } });
      expect(requestLines.map((line) => line.req.url).sort()).toEqual([...marks].sort());
      expect(new Set(requestLines.map((line) => line.res.statusCode))).toEqual(new Set([404]));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
