import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  ExecutorResponse,
  parseMultipartAnswer,
  removeArchive,
  sleep,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';
import { fixtureArchive, UPSTREAM_FIXTURES } from '../support/upstream-fixtures';

const IMAGE = 'runcell/node:v5';
const NPM_INSTALL = 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm install"';

interface Execution {
  statusCode: number;
  body: string;
  headers: string;
}

/** An execution answer in either format, read the way the upstream test client reads it. */
function executionOf(response: ExecutorResponse): Execution {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) return executionOf(response);
  const fields = parseMultipartAnswer(contentType, response.body);
  return {
    statusCode: Number(fields.statusCode?.toString()),
    body: fields.body?.toString() ?? '',
    headers: fields.headers?.toString() ?? '',
  };
}

/**
 * The upstream executor's e2e cases (open-runtimes/executor 0.27) for builds and executions
 * that can run offline, with the node reference image where upstream uses PHP.
 */
describe('upstream executor e2e: builds and executions', () => {
  let sut: ExecutorHarness;
  let storageDir: string;
  let cacheDir: string;
  let nodeArchive: string;
  let zipDir: string;

  beforeAll(async () => {
    storageDir = mkdtempSync('/tmp/runcell-upstream-runtimes-');
    cacheDir = mkdtempSync('/tmp/runcell-upstream-runtimes-cache-');
    zipDir = mkdtempSync('/tmp/runcell-upstream-zip-');
    nodeArchive = fixtureArchive('node');
    sut = await startExecutorHarness({
      URT_CONNECTION_BUILD_CACHE_STORAGE: `local://localhost${cacheDir}`,
    });
  });

  afterAll(async () => {
    await sut.close();
    removeArchive(nodeArchive);
    for (const folder of [storageDir, cacheDir, zipDir]) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  const call = (method: string, path: string, json?: unknown, headers?: Record<string, string>) =>
    executorCall(sut.baseUrl, method, `/v1${path}`, {
      json: json ?? (method === 'GET' ? undefined : {}),
      headers: { 'x-executor-response-format': '0.11.0', ...headers },
    });

  async function buildPath(params: Record<string, unknown>): Promise<string> {
    const response = await call('POST', '/runtimes', {
      source: nodeArchive,
      destination: `${storageDir}/builds`,
      entrypoint: 'index.js',
      image: IMAGE,
      remove: true,
      command: NPM_INSTALL,
      ...params,
    });
    expect(response.status).toBe(201);
    const path = response.json<{ path: string }>().path;
    expect(path).not.toBe('');
    return path;
  }

  const coldStart = (source: string) => ({
    source,
    entrypoint: 'index.js',
    image: IMAGE,
    runtimeEntrypoint: V5_START,
  });

  it('testBuild', async () => {
    const suffix = Date.now().toString(36);
    await buildPath({ runtimeId: `test-build-${suffix}` });
    expect(existsSync(join(sut.tmpDir, `${sut.hostname}-test-build-${suffix}`))).toBe(false);
    const listed = await call('GET', '/runtimes');
    expect(listed.status).toBe(200);
    expect(listed.json()).toHaveLength(0);
    expect((await call('GET', `/runtimes/test-build-selfdelete-${suffix}`)).status).toBe(404);

    const base = { source: nodeArchive, destination: `${storageDir}/test`, image: IMAGE };
    const userError = await call('POST', '/runtimes', {
      ...base,
      runtimeId: `test-build-fail-400-${suffix}`,
      command: 'cp doesnotexist.js doesnotexist2.js',
      remove: true,
    });
    expect(userError.status).toBe(400);
    expect(userError.json<{ type: string }>().type).toBe('build_failed');

    const silent = await call('POST', '/runtimes', {
      ...base,
      runtimeId: `test-build-fail-silent-${suffix}`,
      command: 'exit 1',
      remove: true,
    });
    expect(silent.status).toBe(400);
    expect(silent.json<{ type: string; message: string }>()).toMatchObject({
      type: 'build_failed',
      message: expect.stringContaining('Build command exited with code 1.'),
    });

    const badCacheKey = await call('POST', '/runtimes', {
      ...base,
      runtimeId: `test-build-fail-cache-key-${suffix}`,
      command: NPM_INSTALL,
      cacheKey: '..',
      remove: true,
    });
    expect(badCacheKey.status).toBe(400);

    const missingSource = await call('POST', '/runtimes', {
      ...base,
      runtimeId: `test-build-fail-500-${suffix}`,
      source: join(storageDir, 'fake_path/code.tar.gz'),
      command: NPM_INSTALL,
      remove: true,
    });
    expect(missingSource.status).toBe(500);
  }, 60_000);

  it('testBuildUncompressed', async () => {
    const suffix = Date.now().toString(36);
    const path = await buildPath({
      runtimeId: `test-build-${suffix}`,
      variables: { OPEN_RUNTIMES_BUILD_COMPRESSION: 'none' },
    });

    const response = await call(
      'POST',
      `/runtimes/test-exec-${suffix}/executions`,
      coldStart(path),
    );
    expect(response.status).toBe(200);
    const execution = executionOf(response);
    expect(execution.statusCode).toBe(200);
    expect(JSON.parse(execution.body)).toMatchObject({ message: 'Hello Open Runtimes 👋' });
    expect((await call('DELETE', `/runtimes/test-exec-${suffix}`)).status).toBe(200);
  }, 60_000);

  it('testExecute', async () => {
    const path = await buildPath({ runtimeId: 'test-build' });
    const created = await call('POST', '/runtimes', { runtimeId: 'test-exec', ...coldStart(path) });
    expect(created.status).toBe(201);

    const first = await call('POST', '/runtimes/test-exec/executions');
    expect(first.status).toBe(200);
    expect(executionOf(first).statusCode).toBe(200);
    expect(JSON.parse(executionOf(first).headers)).toMatchObject({ 'x-key': 'aValue' });

    const withBody = await call('POST', '/runtimes/test-exec/executions', {
      body: 'test payload',
      variables: { customVariable: 'mySecret' },
    });
    expect(withBody.status).toBe(200);
    expect((await call('DELETE', '/runtimes/test-exec')).status).toBe(200);

    const cold = (params: Record<string, unknown> = {}, headers?: Record<string, string>) =>
      call(
        'POST',
        '/runtimes/test-exec-coldstart/executions',
        { ...coldStart(path), ...params },
        headers,
      );
    expect((await cold()).status).toBe(200);
    for (const route of ['v1/users', '/v1/users']) {
      const response = await cold({ path: route });
      expect(response.status).toBe(200);
      expect(String(executionOf(response).statusCode)).toBe('200');
    }
    for (const accept of ['application/json', 'application/*', 'text/plain, application/json']) {
      const response = await cold({ path: '/v1/users' }, { accept });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
    }
    for (const accept of ['application/xml', 'text/plain', '*/*']) {
      const response = await cold({ path: '/v1/users' }, { accept });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^multipart\/form-data/);
    }
    const head = await cold({ method: 'HEAD', path: '/v1/users' });
    expect(head.status).toBe(200);
    expect(executionOf(head).body).toBe('');
    expect((await call('DELETE', '/runtimes/test-exec-coldstart')).status).toBe(200);
  }, 120_000);

  it('testBuildCache', async () => {
    const suffix = Date.now().toString(36);
    const cached = async (runtimeId: string, expected: string) => {
      const response = await call('POST', '/runtimes', {
        runtimeId,
        source: nodeArchive,
        destination: `${storageDir}/${runtimeId}`,
        entrypoint: 'index.js',
        image: IMAGE,
        command:
          'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm install && test -d node_modules"',
        cacheKey: `test-build-cache-${suffix}`,
        remove: true,
      });
      expect(response.status).toBe(201);
      const body = response.json<{ output: { content: string }[]; path: string }>();
      expect(body.output.map((line) => line.content).join('')).toContain(expected);
      return body.path;
    };
    await cached(`test-build-cache-miss-${suffix}`, 'Build cache saved.');
    const path = await cached(`test-build-cache-hit-${suffix}`, 'Build cache hit.');

    const response = await call(
      'POST',
      `/runtimes/test-exec-cache-${suffix}/executions`,
      coldStart(path),
    );
    expect(response.status).toBe(200);
    expect(executionOf(response).statusCode).toBe(200);
    expect((await call('DELETE', `/runtimes/test-exec-cache-${suffix}`)).status).toBe(200);
  }, 90_000);

  it('testRestartPolicy', async () => {
    const exitArchive = fixtureArchive('node-exit');
    try {
      const built = await call('POST', '/runtimes', {
        runtimeId: 'test-build-restart-policy',
        source: exitArchive,
        destination: `${storageDir}/test-restart-policy`,
        entrypoint: 'index.js',
        image: IMAGE,
        command: 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh ""',
      });
      expect(built.status).toBe(201);
      const params = coldStart(built.json<{ path: string }>().path);

      const first = await call('POST', '/runtimes/test-exec-restart-policy/executions', {
        ...params,
        restartPolicy: 'always',
      });
      expect(first.status).toBe(500);
      await sleep(5000);
      const second = await call('POST', '/runtimes/test-exec-restart-policy/executions', params);
      expect(second.status).toBe(500);
      await sleep(5000);

      const container = sut.docker.getContainer(`${sut.hostname}-test-exec-restart-policy`);
      const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(logs.split('HTTP server successfully started!')).toHaveLength(4);
      expect((await call('DELETE', '/runtimes/test-exec-restart-policy')).status).toBe(200);
    } finally {
      removeArchive(exitArchive);
      await call('DELETE', '/runtimes/test-build-restart-policy');
    }
  }, 90_000);

  it('testZipBuild', async () => {
    const zip = join(zipDir, 'code.zip');
    execFileSync('zip', ['-q', '-r', zip, '.'], { cwd: join(UPSTREAM_FIXTURES, 'node') });
    const suffix = Date.now().toString(36);
    const path = await buildPath({
      runtimeId: `test-build-zip-${suffix}`,
      source: zip,
      destination: `${storageDir}/test-zip`,
      command: 'unzip /tmp/code.tar.gz -d /mnt/code && bash helpers/build.sh "npm install"',
    });
    const created = await call('POST', '/runtimes', {
      runtimeId: `test-exec-zip-${suffix}`,
      ...coldStart(path),
    });
    expect(created.status).toBe(201);

    const response = await call('POST', `/runtimes/test-exec-zip-${suffix}/executions`);
    expect(response.status).toBe(200);
    expect(executionOf(response).statusCode).toBe(200);
    expect((await call('DELETE', `/runtimes/test-exec-zip-${suffix}`)).status).toBe(200);
  }, 60_000);
});
