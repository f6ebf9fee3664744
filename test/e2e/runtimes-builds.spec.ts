import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  V5_START,
} from '../support/executor-harness';
import { BUILDS_IMAGE as IMAGE, buildsSuite } from './builds-suite';

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
  const { state, call, build } = buildsSuite();
  let sut: ExecutorHarness;
  let storageDir: string;
  let cacheDir: string;

  beforeAll(() => {
    ({ sut, storageDir, cacheDir } = state);
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
