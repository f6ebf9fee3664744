import { mkdtempSync, rmSync } from 'node:fs';
import {
  executorCall,
  ExecutorHarness,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';
import { fixtureArchive } from '../support/upstream-fixtures';

const IMAGE = 'runcell/node:v5';

/** What a caller sees of runcell/node:v5 through the executor matches the published image. */
describe('runcell/node:v5 through the executor, like the published image (e2e)', () => {
  let sut: ExecutorHarness;
  let storageDir: string;
  let archive: string;
  let buildOutput: string;

  beforeAll(async () => {
    storageDir = mkdtempSync('/tmp/runcell-reference-');
    archive = fixtureArchive('node-env');
    sut = await startExecutorHarness();
    const built = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId: 'reference-build',
        image: IMAGE,
        source: archive,
        destination: storageDir,
        entrypoint: 'index.js',
        remove: true,
        command: 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm i"',
      },
    });
    expect(built.status).toBe(201);
    const build = built.json<{ path: string; output: { content: string }[] }>();
    buildOutput = build.output.map((line) => line.content).join('');
    const started = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId: 'reference',
        image: IMAGE,
        source: build.path,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
      },
    });
    expect(started.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await sut.close();
    removeArchive(archive);
    rmSync(storageDir, { recursive: true, force: true });
  });

  const execute = (path: string) =>
    executorCall(sut.baseUrl, 'POST', '/v1/runtimes/reference/executions', {
      json: { path, timeout: 30 },
      headers: { accept: 'application/json', 'x-executor-response-format': '0.11.0' },
    }).then((response) => {
      expect(response.status).toBe(200);
      return response.json<{ statusCode: number; body: string }>();
    });

  it('reports the build cache even when no cache key mounts one', () => {
    expect(buildOutput).toContain('Environment preparation started.');
    expect(buildOutput).toContain('Build cache miss.');
    expect(buildOutput).toContain('Build cache saved.');
  });

  it('gives the function the published environment defaults', async () => {
    const answer = await execute('/');
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ env: 'production', headers: '{}', secretSet: true });
  });

  it('answers /__opr/health and /__opr/timings itself', async () => {
    const health = await execute('/__opr/health');
    expect(health).toMatchObject({ statusCode: 200, body: 'OK' });

    const timings = await execute('/__opr/timings');
    expect(timings.statusCode).toBe(200);
    expect(timings.body).toMatch(/^extract=\d+\.\d{3}\nprepare=\d+\.\d{3}\nstartup=\d+\.\d{3}\n$/);
  });

  it('logs the environment preparation when the runtime starts', async () => {
    const container = sut.docker.getContainer(`${sut.hostname}-reference`);
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toContain('Environment preparation started.');
    expect(logs).toContain('Environment preparation finished.');
    expect(logs.indexOf('Environment preparation finished.')).toBeLessThan(
      logs.indexOf('HTTP server successfully started!'),
    );
  });
});
