import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXECUTOR_SECRET, ExecutorHarness } from '../support/executor-harness';
import { BUILDS_IMAGE as IMAGE, buildsSuite } from './builds-suite';

describe('OpenRuntimes /v1 builds and commands (e2e)', () => {
  const { state, call, build } = buildsSuite();
  let sut: ExecutorHarness;

  beforeAll(() => {
    ({ sut } = state);
  });

  async function expectNothingLeft(runtimeId: string) {
    expect(existsSync(join(sut.tmpDir, `${sut.hostname}-${runtimeId}`))).toBe(false);
    expect((await call('GET', `/v1/runtimes/${runtimeId}`)).status).toBe(404);
    const names = (await sut.containers()).flatMap((container) => container.Names);
    expect(names).not.toContain(`/${sut.hostname}-${runtimeId}`);
  }

  describe('build log stream', () => {
    interface StreamCapture {
      status: number;
      headers: Headers;
      chunks: { at: number; text: string }[];
      endedAt: number;
    }

    async function captureLogs(runtimeId: string): Promise<StreamCapture> {
      const response = await fetch(`${sut.baseUrl}/v1/runtimes/${runtimeId}/logs`, {
        headers: { authorization: `Bearer ${EXECUTOR_SECRET}`, accept: 'text/event-stream' },
      });
      const chunks: { at: number; text: string }[] = [];
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        chunks.push({ at: Date.now(), text: decoder.decode(chunk, { stream: true }) });
      }
      return { status: response.status, headers: response.headers, chunks, endedAt: Date.now() };
    }

    it('shows the lines while the build runs and ends with it', async () => {
      const creating = build('stream-ok', {
        source: '',
        command: 'for i in $(seq 1 10); do echo step $i; sleep 0.3; done',
      }).then((response) => ({ response, at: Date.now() }));
      const logs = await captureLogs('stream-ok');
      const created = await creating;
      expect(created.response.status).toBe(201);
      expect(logs.status).toBe(200);
      expect(logs.headers.get('content-type')).toBe('text/event-stream');
      expect(logs.headers.get('cache-control')).toBe('no-cache');
      expect(logs.chunks[0].at).toBeLessThan(created.at);
      const lines = logs.chunks
        .map((chunk) => chunk.text)
        .join('')
        .split('\n')
        .filter((line) => line !== '');
      const steps = lines.map((line) => /step (\d+)/.exec(line)?.[1]).filter(Boolean);
      expect(steps).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
      const stamps = lines.map((line) => line.split(' ')[0]);
      for (const stamp of stamps) {
        expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      }
      expect([...stamps].sort()).toEqual(stamps);
      expect(lines[0]).toMatch(/ step 1\r?\\n$/);
      expect(logs.endedAt - created.at).toBeLessThan(1000);
    });

    it('sends the last line of a build that ends right after printing it', async () => {
      const creating = build('stream-last', { source: '', command: 'sleep 1; echo final-line' });
      const logs = await captureLogs('stream-last');
      expect((await creating).status).toBe(201);
      expect(logs.chunks.map((chunk) => chunk.text).join('')).toContain('final-line');
      await expectNothingLeft('stream-last');
    });

    it('ends soon after a failed build', async () => {
      const creating = build('stream-fail', {
        source: '',
        command: 'echo failing soon; sleep 1; exit 4',
      }).then((response) => ({ response, at: Date.now() }));
      const logs = await captureLogs('stream-fail');
      const failed = await creating;
      expect(failed.response.status).toBe(400);
      expect(logs.endedAt - failed.at).toBeLessThan(10_000);
      expect(logs.chunks.map((chunk) => chunk.text).join('')).toContain('failing soon');
    });

    it('answers an empty 200 for a v2 runtime', async () => {
      const created = await call('POST', '/v1/runtimes', {
        runtimeId: 'stream-v2',
        image: 'runcell/node:v2',
        version: 'v2',
        runtimeEntrypoint: 'sleep 600',
      });
      expect(created.status).toBe(201);
      const logs = await captureLogs('stream-v2');
      expect(logs.status).toBe(200);
      expect(logs.chunks.map((chunk) => chunk.text).join('')).toBe('');
      expect((await call('DELETE', '/v1/runtimes/stream-v2')).status).toBe(200);
    });

    it('answers 504 logs_timeout when a runtime writes no build log', async () => {
      const created = await call('POST', '/v1/runtimes', {
        runtimeId: 'stream-idle',
        image: IMAGE,
      });
      expect(created.status).toBe(201);
      const response = await call('GET', '/v1/runtimes/stream-idle/logs?timeout=1');
      expect(response.status).toBe(504);
      expect(response.json<{ type: string; message: string }>()).toMatchObject({
        type: 'logs_timeout',
        message: 'Timed out waiting for logs.',
      });
      expect((await call('DELETE', '/v1/runtimes/stream-idle')).status).toBe(200);
    });

    it('answers 400 runtime_timeout for a container this executor has no row for', async () => {
      const container = await sut.docker.createContainer({
        name: `${sut.hostname}-stream-orphan`,
        Image: IMAGE,
        Cmd: ['true'],
        Labels: { 'openruntimes-executor': sut.hostname },
      });
      try {
        const response = await call('GET', '/v1/runtimes/stream-orphan/logs');
        expect(response.status).toBe(400);
        expect(response.json<{ type: string }>().type).toBe('runtime_timeout');
      } finally {
        await container.remove({ force: true });
      }
    });

    it('answers 500 when the container never appears', async () => {
      const started = Date.now();
      const response = await call('GET', '/v1/runtimes/stream-none/logs');
      expect(response.status).toBe(500);
      expect(response.json<{ message: string }>().message).toBe(
        'Runtime not ready. Container not found.',
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});
