import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXECUTOR_SECRET,
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';

const IMAGE = 'runcell/node:v5';
const BUILD = 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "true"';
const CHUNK = 128 * 1024;
const TRUNCATED_NOTE = 'Logs truncated due to size exceeding 5.00MB.';

interface BuildResponse {
  output: { timestamp: string; content: string }[];
  startTime: number;
  duration: number;
  size?: number;
  path?: string;
}

describe('OpenRuntimes /v1 builds and commands (e2e)', () => {
  let sut: ExecutorHarness;
  let archive: string;
  let storageDir: string;
  let cacheDir: string;

  beforeAll(async () => {
    storageDir = mkdtempSync('/tmp/runcell-builds-');
    cacheDir = mkdtempSync('/tmp/runcell-build-cache-');
    sut = await startExecutorHarness({
      URT_CONNECTION_BUILD_CACHE_STORAGE: `local://localhost${cacheDir}`,
    });
    archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
  });

  afterAll(async () => {
    await sut.close();
    removeArchive(archive);
    rmSync(storageDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
    expect(await sut.containers()).toEqual([]);
  });

  const call = (method: string, path: string, json?: unknown) =>
    executorCall(sut.baseUrl, method, path, json === undefined ? {} : { json });

  const build = (runtimeId: string, params: Record<string, unknown>) =>
    call('POST', '/v1/runtimes', {
      runtimeId,
      image: IMAGE,
      source: archive,
      entrypoint: 'index.js',
      command: BUILD,
      remove: true,
      ...params,
    });

  const contents = (body: BuildResponse) => body.output.map((entry) => entry.content).join('');

  async function expectNothingLeft(runtimeId: string) {
    expect(existsSync(join(sut.tmpDir, `${sut.hostname}-${runtimeId}`))).toBe(false);
    expect((await call('GET', `/v1/runtimes/${runtimeId}`)).status).toBe(404);
    const names = (await sut.containers()).flatMap((container) => container.Names);
    expect(names).not.toContain(`/${sut.hostname}-${runtimeId}`);
  }

  it('builds to the destination, cleans up with remove, and the artifact runs', async () => {
    const destination = join(storageDir, 'artifacts');
    const response = await build('build-ok', { destination });
    expect(response.status).toBe(201);
    const body = response.json<BuildResponse>();
    expect(body.path).toMatch(new RegExp(`^${destination}/[0-9a-f]{13}\\.gz$`));
    expect(body.size).toBe(statSync(body.path!).size);
    expect(contents(body)).toContain('Build finished.');
    for (const entry of body.output) {
      expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    }
    await expectNothingLeft('build-ok');

    const started = await call('POST', '/v1/runtimes', {
      runtimeId: 'from-artifact',
      image: IMAGE,
      source: body.path,
      entrypoint: 'index.js',
      runtimeEntrypoint: V5_START,
    });
    expect(started.status).toBe(201);
    const execution = await call('POST', '/v1/runtimes/from-artifact/executions', {
      path: '/',
      method: 'GET',
    });
    expect(execution.status).toBe(200);
    expect((await call('DELETE', '/v1/runtimes/from-artifact')).status).toBe(200);
  });

  it('keeps an uncompressed build uncompressed', async () => {
    const response = await build('build-plain', {
      destination: join(storageDir, 'plain'),
      variables: { OPEN_RUNTIMES_BUILD_COMPRESSION: 'none' },
    });
    expect(response.status).toBe(201);
    const artifact = readFileSync(response.json<BuildResponse>().path!);
    expect(artifact.subarray(0, 2)).not.toEqual(Buffer.from([0x1f, 0x8b]));
    expect(artifact.subarray(257, 262).toString()).toBe('ustar');
  });

  it('unpacks a zip source in the build command', async () => {
    const folder = mkdtempSync('/tmp/runcell-zip-');
    writeIndex(folder);
    execFileSync('zip', ['-q', 'code.zip', 'index.js'], { cwd: folder });
    try {
      const response = await build('build-zip', {
        source: join(folder, 'code.zip'),
        command: 'unzip -q /tmp/code.tar.gz -d /mnt/code && bash helpers/build.sh "ls"',
      });
      expect(response.status).toBe(201);
      expect(contents(response.json<BuildResponse>())).toContain('index.js');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('answers build_failed with the output and the exit-code line', async () => {
    const response = await build('build-fail', { command: 'echo "it broke" && exit 3' });
    expect(response.status).toBe(400);
    const body = response.json<{ type: string; message: string }>();
    expect(body.type).toBe('build_failed');
    expect(body.message).toContain('it broke');
    expect(body.message.endsWith('Build command exited with code 3.')).toBe(true);
    await expectNothingLeft('build-fail');
  });

  it('answers runtime_failed when the build outlives its timeout', async () => {
    const response = await build('build-slow', { command: 'sleep 20', timeout: 1 });
    expect(response.status).toBe(400);
    expect(response.json<{ type: string }>().type).toBe('runtime_failed');
    await expectNothingLeft('build-slow');
  });

  it('answers 500 for a source that does not exist', async () => {
    const response = await build('build-nosource', { source: '/tmp/runcell-missing/code.tar.gz' });
    expect(response.status).toBe(500);
    expect(response.json<{ message: string }>().message).toBe(
      'Failed to copy source code to temporary directory',
    );
    await expectNothingLeft('build-nosource');
  });

  it('answers 500 when a destination is given but no artifact is built', async () => {
    const response = await build('build-noartifact', {
      command: 'echo nothing',
      destination: join(storageDir, 'none'),
    });
    expect(response.status).toBe(500);
    expect(response.json<{ message: string }>().message).toBe(
      'Something went wrong when starting runtime.',
    );
    await expectNothingLeft('build-noartifact');
  });

  it('keeps a 7 x 128 KiB build log whole', async () => {
    const response = await build('build-log', { command: chunkCommand(7) });
    expect(response.status).toBe(201);
    const body = response.json<BuildResponse>();
    expect(contents(body)).toBe(`${'a'.repeat(CHUNK - 1)}\r\n`.repeat(7));
  });

  it('caps a 14 x 128 KiB build log, keeping the first line and ending with the note', async () => {
    const response = await build('build-biglog', { command: chunkCommand(14) });
    expect(response.status).toBe(201);
    const { output } = response.json<BuildResponse>();
    expect(output[0].content.startsWith('aaaa')).toBe(true);
    expect(output[output.length - 1].content).toBe(TRUNCATED_NOTE);
    const kept = output.slice(0, -1).reduce((sum, entry) => sum + entry.content.length, 0);
    expect(kept).toBeGreaterThanOrEqual(1_000_000);
    expect(kept).toBeLessThan(14 * CHUNK);
  });

  it('misses the build cache on the first build and hits it on the second', async () => {
    const first = await build('cache-1', { cacheKey: 'builds-e2e' });
    expect(first.status).toBe(201);
    expect(contents(first.json<BuildResponse>())).toContain('Build cache miss.');
    expect(contents(first.json<BuildResponse>())).toContain('Build cache saved.');
    expect(existsSync(join(cacheDir, 'build-cache/builds-e2e/lz4-b1M/stores.sqfs'))).toBe(true);
    const second = await build('cache-2', { cacheKey: 'builds-e2e' });
    expect(second.status).toBe(201);
    expect(contents(second.json<BuildResponse>())).toContain('Build cache hit.');
  });

  it('refuses a bad cache key', async () => {
    const response = await build('cache-bad', { cacheKey: '.hidden' });
    expect(response.status).toBe(400);
    expect(response.json<{ type: string; message: string }>()).toMatchObject({
      type: 'execution_bad_request',
      message:
        'Cache key must start with a letter or number and may only contain letters, numbers, dots, underscores, and hyphens.',
    });
  });

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

  it('builds a v2 runtime, answering its stdout as the single output entry', async () => {
    const v2Archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v2-function.js'), 'utf8'),
    });
    try {
      const response = await call('POST', '/v1/runtimes', {
        runtimeId: 'build-v2',
        image: 'runcell/node:v2',
        version: 'v2',
        source: v2Archive,
        destination: join(storageDir, 'v2'),
        entrypoint: 'index.js',
        command:
          'tar -zxf /tmp/code.tar.gz -C /usr/code && cd /usr/local/src/ && ./build.sh && echo built-v2',
        remove: true,
      });
      expect(response.status).toBe(201);
      const body = response.json<BuildResponse>();
      expect(body.output).toHaveLength(1);
      expect(body.output[0].content).toContain('built-v2');
      expect(body.size).toBe(statSync(body.path!).size);
      await expectNothingLeft('build-v2');
    } finally {
      removeArchive(v2Archive);
    }
  });

  describe('commands', () => {
    beforeAll(async () => {
      const created = await call('POST', '/v1/runtimes', { runtimeId: 'shell', image: IMAGE });
      expect(created.status).toBe(201);
    });

    const command = (params: Record<string, unknown>) =>
      call('POST', '/v1/runtimes/shell/commands', params);

    it('runs a command and returns its output', async () => {
      const response = await command({ command: 'echo hello; echo oops >&2' });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ output: 'hello\noops\n' });
    });

    it('answers command_timeout', async () => {
      const response = await command({ command: 'sleep 10', timeout: 1 });
      expect(response.status).toBe(500);
      expect(response.json<{ type: string }>().type).toBe('command_timeout');
    });

    it('answers command_failed for a non-zero exit', async () => {
      const response = await command({ command: 'exit 2' });
      expect(response.status).toBe(500);
      expect(response.json<{ type: string; message: string }>()).toMatchObject({
        type: 'command_failed',
        message: 'Failed to execute command.',
      });
    });

    it('requires the executor secret', async () => {
      const response = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes/shell/commands', {
        json: { command: 'true' },
        headers: { authorization: '' },
      });
      expect(response.status).toBe(401);
    });

    it('answers 404 once the runtime is deleted', async () => {
      expect((await call('DELETE', '/v1/runtimes/shell')).status).toBe(200);
      const response = await command({ command: 'true' });
      expect(response.status).toBe(404);
      expect(response.json<{ type: string }>().type).toBe('runtime_not_found');
    });
  });
});

function chunkCommand(chunks: number): string {
  return `for i in $(seq 1 ${chunks}); do head -c ${CHUNK - 1} /dev/zero | tr '\\0' a; echo; done`;
}

function writeIndex(folder: string): void {
  execFileSync('cp', [join(__dirname, '../fixtures/v5-function.js'), join(folder, 'index.js')]);
}
