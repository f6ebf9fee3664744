import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';

const V5_IMAGE = 'runcell/node:v5';
const V2_IMAGE = 'runcell/node:v2';

describe('OpenRuntimes /v1 cold starts, v2 and v4 (e2e)', () => {
  let sut: ExecutorHarness;
  let v5Archive: string;
  let v2Archive: string;

  beforeAll(async () => {
    sut = await startExecutorHarness();
    v5Archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
    v2Archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v2-function.js'), 'utf8'),
    });
  });

  afterAll(async () => {
    await sut.close();
    removeArchive(v5Archive);
    removeArchive(v2Archive);
    expect(await sut.containers()).toEqual([]);
    expect(await sut.networkExists()).toBe(false);
  });

  async function executeJson(runtimeId: string, params: Record<string, unknown>) {
    const response = await executorCall(
      sut.baseUrl,
      'POST',
      `/v1/runtimes/${runtimeId}/executions`,
      { json: params, headers: { accept: 'application/json' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    return response.json<Record<string, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  describe('v2', () => {
    it('executes a created v2 runtime (warm) through the v2 protocol', async () => {
      const created = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
        json: {
          runtimeId: 'v2-warm',
          image: V2_IMAGE,
          source: v2Archive,
          entrypoint: 'index.js',
          version: 'v2',
          variables: { CUSTOM: 'v2-variable' },
        },
      });
      expect(created.status).toBe(201);
      const info = await sut.docker.getContainer(`${sut.hostname}-v2-warm`).inspect();
      expect(info.Config.WorkingDir).toBe('/usr/code');
      expect(info.Config.Env).toEqual(
        expect.arrayContaining(['INTERNAL_RUNTIME_ENTRYPOINT=index.js', 'CUSTOM=v2-variable']),
      );

      const result = await executeJson('v2-warm', {
        body: 'hello v2',
        variables: { CUSTOM: 'per-request' },
        path: '/ignored',
        method: 'DELETE',
        timeout: 30,
      });
      expect(result).toEqual({
        statusCode: 200,
        headers: [],
        body: JSON.stringify({ payload: 'hello v2', custom: 'per-request' }),
        logs: 'v2 log line\n',
        errors: 'v2 error line\n',
        duration: expect.any(Number),
        startTime: expect.any(Number),
      });
      const text = await executeJson('v2-warm', { body: 'text' });
      expect(text.statusCode).toBe(201);
      expect(text.body).toBe('plain text');
    });

    it('cold-starts a v2 runtime from the execution parameters', async () => {
      const result = await executeJson('v2-cold', {
        image: V2_IMAGE,
        source: v2Archive,
        entrypoint: 'index.js',
        version: 'v2',
        variables: { CUSTOM: 'cold-v2' },
        body: 'payload',
        timeout: 30,
      });
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ payload: 'payload', custom: 'cold-v2' });
    });
  });

  describe('v4', () => {
    it('cold-starts a v4 runtime with the v5 request and its logs kept', async () => {
      const result = await executeJson('v4-cold', {
        image: V5_IMAGE,
        source: v5Archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
        version: 'v4',
        path: '/logs',
        timeout: 30,
      });
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('logged');
      expect(result.logs).toBe('first log\n{"structured":true}\n');
      expect(result.errors).toBe('first error\n');
      const info = await sut.docker.getContainer(`${sut.hostname}-v4-cold`).inspect();
      expect(info.HostConfig.Binds).toEqual(
        expect.arrayContaining([`${sut.tmpDir}/${sut.hostname}-v4-cold/logs:/mnt/logs:rw`]),
      );
    });
  });

  describe('v5', () => {
    it('waits for a runtime that takes 10 s to listen and bills the wait', async () => {
      const result = await executeJson('slow', {
        image: V5_IMAGE,
        source: v5Archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: `sleep 10 && ${V5_START}`,
        timeout: 40,
      });
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('hello GET');
      expect(result.duration).toBeGreaterThan(10);
    });

    it('creates one container for ten concurrent cold starts of one id', async () => {
      const params = {
        image: V5_IMAGE,
        source: v5Archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
        timeout: 60,
      };
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          executorCall(sut.baseUrl, 'POST', '/v1/runtimes/crowd/executions', {
            json: params,
            headers: { accept: 'application/json' },
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      expect(responses.map((response) => response.json<{ body: string }>().body)).toEqual(
        Array(10).fill('hello GET'),
      );
      const crowd = (await sut.containers()).filter(
        (container) => container.Labels['openruntimes-runtime-id'] === 'crowd',
      );
      expect(crowd).toHaveLength(1);
    });
  });
});
