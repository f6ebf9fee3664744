import { mkdtempSync, rmSync } from 'node:fs';
import {
  EXECUTOR_SECRET,
  executorCall,
  ExecutorHarness,
  removeArchive,
  startExecutorHarness,
} from '../support/executor-harness';
import { fixtureArchive, parseLogStream, StreamedLine } from '../support/upstream-fixtures';

const IMAGE = 'runcell/node:v5';
const KIB_128 = 128 * 1024;
const NODE_BUILD =
  'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm install && npm run build"';

interface BuildAnswer {
  output: StreamedLine[];
  message: string;
  path: string;
}

/**
 * The upstream executor's e2e cases (open-runtimes/executor 0.27, tests/e2e/ExecutorTest.php)
 * for errors, builds, build logs and commands, run against Runcell with the reference image.
 */
describe('upstream executor e2e: errors, builds, log streams, commands', () => {
  let sut: ExecutorHarness;
  let storageDir: string;
  let cacheDir: string;
  const archives: Record<string, string> = {};

  beforeAll(async () => {
    storageDir = mkdtempSync('/tmp/runcell-upstream-builds-');
    cacheDir = mkdtempSync('/tmp/runcell-upstream-cache-');
    sut = await startExecutorHarness({
      URT_CONNECTION_BUILD_CACHE_STORAGE: `local://localhost${cacheDir}`,
    });
    for (const folder of ['node', 'build-logs']) archives[folder] = fixtureArchive(folder);
  });

  afterAll(async () => {
    await sut.close();
    for (const archive of Object.values(archives)) removeArchive(archive);
    rmSync(storageDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, json?: unknown, headers?: Record<string, string>) =>
    executorCall(sut.baseUrl, method, `/v1${path}`, {
      ...(json === undefined ? {} : { json }),
      headers: { 'x-executor-response-format': '0.11.0', ...headers },
    });

  const build = (runtimeId: string, params: Record<string, unknown>) =>
    call('POST', '/runtimes', {
      runtimeId,
      destination: `${storageDir}/test-logs`,
      entrypoint: 'index.js',
      image: IMAGE,
      workdir: '/usr/code',
      ...params,
    }).then((response) => ({ response, at: Date.now() }));

  async function streamLogs(runtimeId: string, query = '') {
    const startedAt = Date.now();
    const response = await fetch(`${sut.baseUrl}/v1/runtimes/${runtimeId}/logs${query}`, {
      headers: { authorization: `Bearer ${EXECUTOR_SECRET}` },
    });
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(decoder.decode(chunk, { stream: true }));
    }
    return { status: response.status, chunks, startedAt, endedAt: Date.now() };
  }

  const joined = (output: StreamedLine[]) => output.map((line) => line.content).join('');

  describe('errors', () => {
    it('testGetRuntimesEmpty', async () => {
      const response = await call('GET', '/runtimes');
      expect(response.status).toBe(200);
      expect(response.json()).toHaveLength(0);
    });

    it('testUnknownPath', async () => {
      const response = await call('GET', '/unknown');
      expect(response.status).toBe(404);
      expect(response.json<{ message: string }>().message).toBe('Not Found');
    });

    it('testGetRuntimeUnknown', async () => {
      const response = await call('GET', '/runtimes/id');
      expect(response.status).toBe(404);
      expect(response.json<{ message: string }>().message).toBe('Runtime not found');
    });

    it('testDeleteRuntimeUnknown', async () => {
      const response = await call('DELETE', '/runtimes/test');
      expect(response.status).toBe(404);
      expect(response.json<{ message: string }>().message).toBe('Runtime not found');
    });

    it('testGetRuntimesUnauthorized', async () => {
      const response = await call('GET', '/runtimes', undefined, { authorization: '' });
      expect(response.status).toBe(401);
      expect(response.json<{ message: string }>().message).toBe('Missing executor key');
    });
  });

  function validateLogs(logs: StreamedLine[], strict: boolean): void {
    const content = joined(logs);
    expect(content).toContain('Environment preparation started');
    for (let step = 1; step <= 10; step++) expect(content).toContain(`Step: ${step}`);
    if (strict) expect(content).toContain('Build finished');
    expect(logs.length).toBeGreaterThan(5);
    let orange = false;
    let red = false;
    let stepFive = false;
    let previous = '';
    for (const log of logs) {
      expect(log.content).not.toBe('');
      expect(log.timestamp).not.toBe('');
      expect(log.timestamp >= previous).toBe(true);
      previous = log.timestamp;
      if (!log.content.includes('echo -e') && log.content.includes('[0m')) {
        orange ||= log.content.includes('[33mOrange message');
        red ||= log.content.includes('[31mRed message');
      }
      stepFive ||= log.content.includes('Step: 5');
    }
    expect({ orange, red, stepFive }).toEqual({ orange: true, red: true, stepFive: true });
  }

  it('testLogStream', async () => {
    const runtimeId = `test-log-stream-${Date.now()}`;
    const [stream, created] = await Promise.all([
      streamLogs(runtimeId),
      build(runtimeId, { source: archives['node'], remove: true, command: NODE_BUILD }),
    ]);

    expect(created.response.status).toBe(201);
    const output = created.response.json<BuildAnswer>().output;
    expect(output.length).toBeGreaterThan(1);
    expect(stream.chunks.length).toBeGreaterThan(1);
    validateLogs(output, true);
    validateLogs(parseLogStream(stream.chunks.join('')), false);
  }, 90_000);

  it('testLogStreamClosesAfterFailedCachedBuild', async () => {
    const runtimeId = `test-log-stream-fail-cache-${Date.now()}`;
    const [stream, created] = await Promise.all([
      streamLogs(runtimeId, '?timeout=12'),
      build(runtimeId, {
        source: archives['node'],
        remove: true,
        cacheKey: 'test-log-stream-fail-cache',
        command: 'echo before-cache-failure && exit 1',
      }),
    ]);

    expect(created.response.status).toBe(400);
    expect(created.response.json<BuildAnswer>().message).toContain('before-cache-failure');
    expect(stream.chunks.join('')).not.toBe('');
    expect(stream.endedAt - stream.startedAt).toBeLessThan(10_000);
  }, 60_000);

  describe('testBuildLogLimit', () => {
    const buildLogs = (script: string) =>
      build(`test-build-logs-${script}-${Date.now()}`, {
        source: archives['build-logs'],
        destination: `${storageDir}/test`,
        remove: true,
        command: `tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "bash ${script}.sh"`,
      }).then(({ response }) => response);

    it('a failed build keeps a 7 x 128 KiB log whole in its message', async () => {
      const response = await buildLogs('logs_failure');
      expect(response.status).toBe(400);
      const message = response.json<BuildAnswer>().message;
      expect(message.length).toBeGreaterThanOrEqual(KIB_128 * 7);
      expect(message).toContain('First log');
      expect(message).toContain('Last log');
    }, 60_000);

    it('a successful build keeps a 7 x 128 KiB log whole in its output', async () => {
      const response = await buildLogs('logs_success');
      expect(response.status).toBe(201);
      const output = joined(response.json<BuildAnswer>().output);
      expect(output.length).toBeGreaterThanOrEqual(KIB_128 * 7);
      expect(output).toContain('First log');
      expect(output).toContain('Last log');
    }, 60_000);

    it('a failed build cuts a 14 x 128 KiB log, keeping its start', async () => {
      const response = await buildLogs('logs_failure_large');
      expect(response.status).toBe(400);
      const message = response.json<BuildAnswer>().message;
      expect(message.length).toBeGreaterThanOrEqual(1_000_000);
      expect(message).not.toContain('Last log');
      expect(message).toContain('First log');
    }, 60_000);

    it('a successful build cuts a 14 x 128 KiB log, keeping its start', async () => {
      const response = await buildLogs('logs_success_large');
      expect(response.status).toBe(201);
      const output = joined(response.json<BuildAnswer>().output);
      expect(output.length).toBeGreaterThanOrEqual(1_000_000);
      expect(output).not.toContain('Last log');
      expect(output).toContain('First log');
    }, 60_000);
  });

  it('testCommands', async () => {
    const runtime = await call('POST', '/runtimes', {
      runtimeId: 'test-commands',
      remove: false,
      image: IMAGE,
      entrypoint: 'tail -f /dev/null',
    });
    expect(runtime.status).toBe(201);

    const echoed = await call('POST', '/runtimes/test-commands/commands', {
      command: 'echo "Hello, World!"',
    });
    expect(echoed.status).toBe(200);
    expect(echoed.json<{ output: string }>().output).toContain('Hello, World!');

    const slow = await call('POST', '/runtimes/test-commands/commands', {
      command: 'sleep 5 && echo "Ok"',
      timeout: 1,
    });
    expect(slow.status).toBe(500);
    expect(slow.json<{ message: string }>().message).toContain('Operation timed out');

    const failing = await call('POST', '/runtimes/test-commands/commands', { command: 'exit 1' });
    expect(failing.status).toBe(500);
    expect(failing.json<{ message: string }>().message).toContain('Failed to execute command');

    expect((await call('DELETE', '/runtimes/test-commands')).status).toBe(200);
    expect((await call('DELETE', '/runtimes/test-commands')).status).toBe(404);
    const gone = await call('POST', '/runtimes/test-commands/commands', { command: 'echo 123' });
    expect(gone.status).toBe(404);
  }, 60_000);

  it('testLogStreamPersistent', async () => {
    const [stream, created] = await Promise.all([
      streamLogs('test-log-stream-persistent'),
      build('test-log-stream-persistent', {
        source: archives['node'],
        remove: false,
        command: NODE_BUILD,
      }),
    ]);

    expect(created.response.status).toBe(201);
    expect(Math.abs(created.at - stream.endedAt)).toBeLessThanOrEqual(1000);
    expect((await call('DELETE', '/runtimes/test-log-stream-persistent')).status).toBe(200);
  }, 90_000);
});
