import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { executorCall, ExecutorHarness, sleep, V5_START } from '../support/executor-harness';
import { ExecuteOptions, V5_IMAGE as IMAGE, v5ExecutionsSuite } from './v5-executions-suite';

const MIB = 1024 * 1024;

describe('OpenRuntimes /v1 executions, v5 (e2e)', () => {
  const suite = v5ExecutionsSuite();
  const { execute } = suite;
  let sut: ExecutorHarness;
  let archive: string;

  beforeAll(() => {
    ({ sut, archive } = suite.state);
  });

  async function executeJson(
    runtimeId: string,
    params: Record<string, unknown>,
    options?: ExecuteOptions,
  ) {
    const response = await execute(runtimeId, params, options);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    return response.json<Record<string, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  describe('warm runtime', () => {
    it('answers the first execution once the runtime listens, then marks it listening', async () => {
      const result = await executeJson('warm', { timeout: 30 });
      expect(result).toEqual({
        statusCode: 200,
        headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8' }),
        body: 'hello GET',
        logs: '',
        errors: '',
        duration: expect.any(Number),
        startTime: expect.any(Number),
      });
      expect(result.headers['x-open-runtimes-log-id']).toBeUndefined();
      const row = (await executorCall(sut.baseUrl, 'GET', '/v1/runtimes/warm')).json();
      expect(row.listening).toBe(1);
    });

    it('forwards method, path with and without a slash, query, headers and body', async () => {
      const withSlash = await executeJson('warm', {
        path: '/echo?x=1&y=2',
        method: 'POST',
        body: '{"hello":"world"}',
        headers: { 'content-type': 'application/json', 'x-custom': 'value' },
      });
      const echoed = JSON.parse(withSlash.body);
      expect(echoed).toMatchObject({
        method: 'POST',
        path: '/echo',
        queryString: 'x=1&y=2',
        body: '{"hello":"world"}',
        headers: expect.objectContaining({
          'x-custom': 'value',
          'content-type': 'application/json',
        }),
      });
      expect(echoed.host).toMatch(/^[0-9a-f]{32}$/);
      expect(echoed.headers.authorization).toMatch(/^Basic /);
      expect(echoed.headers['x-open-runtimes-secret']).toBeUndefined();

      const withoutSlash = await executeJson('warm', { path: 'echo?z=3', method: 'PUT' });
      expect(JSON.parse(withoutSlash.body)).toMatchObject({
        method: 'PUT',
        path: '/echo',
        queryString: 'z=3',
      });
    });

    it('lets the caller set the Host header the function sees', async () => {
      const result = await executeJson('warm', {
        path: '/echo',
        headers: { host: 'functions.example.com', 'x-forwarded-proto': 'https' },
      });
      const echoed = JSON.parse(result.body);
      expect(echoed.host).toBe('functions.example.com');
      expect(echoed.url).toBe('https://functions.example.com/echo');
    });

    it('sends HEAD without a body and returns an empty body', async () => {
      const result = await executeJson('warm', { method: 'HEAD', path: '/' });
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('');
      expect(result.headers['content-length']).toBe(String('hello HEAD'.length));
    });

    it('passes OPTIONS and the function status code through', async () => {
      expect((await executeJson('warm', { method: 'OPTIONS' })).body).toBe('hello OPTIONS');
      const teapot = await executeJson('warm', { path: '/status' });
      expect(teapot.statusCode).toBe(418);
      expect(teapot.body).toBe('teapot');
    });

    it('works through the /execution alias', async () => {
      const result = await executeJson('warm', {}, { route: 'execution' });
      expect(result.body).toBe('hello GET');
    });

    it('keeps repeated headers as an array for format 0.11.0 and the last value before it', async () => {
      const arrays = await executeJson('warm', { path: '/cookies' });
      expect(arrays.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(arrays.headers['x-open-runtimes-custom']).toBeUndefined();
      const collapsed = await executeJson('warm', { path: '/cookies' }, { format: '0.10.0' });
      expect(collapsed.headers['set-cookie']).toBe('b=2');
      const byDefault = await executeJson('warm', { path: '/cookies' }, { format: '' });
      expect(byDefault.headers['set-cookie']).toBe('b=2');
    });

    it('captures logs and errors, and none with logging false', async () => {
      const logged = await executeJson('warm', { path: '/logs' });
      expect(logged.logs).toBe('first log\n{"structured":true}\n');
      expect(logged.errors).toBe('first error\n');
      // Both files were read and are gone: none is left behind in the runtime's logs folder.
      expect(readdirSync(join(sut.tmpDir, `${sut.hostname}-warm`, 'logs'))).toEqual([]);
      const quiet = await executeJson('warm', { path: '/logs', logging: false });
      expect(quiet.body).toBe('logged');
      expect(quiet.logs).toBe('');
      expect(quiet.errors).toBe('');
      const quietString = await executeJson('warm', { path: '/logs', logging: 'false' });
      expect(quietString.logs).toBe('');
    });

    it('keeps 1 MiB and exactly 5 MiB of logs whole and truncates bigger ones', async () => {
      const line = `${'a'.repeat(1023)}\n`;
      const one = await executeJson('warm', { path: '/big-logs?lines=1024', timeout: 60 });
      expect(one.logs.length).toBe(MIB);
      expect(one.logs).toBe(line.repeat(1024));
      const five = await executeJson('warm', { path: '/big-logs?lines=5120', timeout: 60 });
      expect(five.logs.length).toBe(5 * MIB);
      expect(five.logs.endsWith(line)).toBe(true);
      const more = await executeJson('warm', { path: '/big-logs?lines=5200', timeout: 60 });
      expect(more.logs).toBe(line.repeat(5120) + '\nLog file has been truncated to 5.00MB.');
      expect(readdirSync(join(sut.tmpDir, `${sut.hostname}-warm`, 'logs'))).toEqual([]);
    });

    it('returns a user timeout as HTTP 200 with statusCode 500', async () => {
      const result = await executeJson('warm', { path: '/sleep?ms=4000', timeout: 1 });
      expect(result.statusCode).toBe(500);
      expect(result.body).toBe('');
      expect(result.errors).toContain('Execution timed out.');
    });

    it('returns a function error as statusCode 500 with the stack in errors', async () => {
      const result = await executeJson('warm', { path: '/throw' });
      expect(result.statusCode).toBe(500);
      expect(result.errors).toContain('function failed');
    });
  });

  describe('errors', () => {
    it.each([
      [
        { body: '' },
        'general_unknown',
        'Invalid `body` param: Value must be a valid string and at least 1 chars and no longer than 20971520 chars',
      ],
      [
        { path: `/${'p'.repeat(2048)}` },
        'general_unknown',
        'Invalid `path` param: Value must be a valid string and at least 1 chars and no longer than 2048 chars',
      ],
      [
        { method: 'get' },
        'general_unknown',
        'Invalid `method` param: Value must be one of (GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD)',
      ],
      [
        { timeout: '4.5' },
        'general_unknown',
        'Invalid `timeout` param: Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647',
      ],
      [{ headers: 5 }, 'general_unknown', 'Invalid `headers` param: Value must be a valid object.'],
      [{ headers: '"text"' }, 'execution_bad_request', 'Value must be a valid object.'],
      [{ variables: '[1,2]' }, 'execution_bad_request', 'Value must be a valid object.'],
      [
        { logging: 'maybe' },
        'general_unknown',
        'Invalid `logging` param: Value must be a valid boolean',
      ],
    ])('rejects invalid parameters with 400 (case %#)', async (params, type, message) => {
      const response = await execute('warm', params);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ type, message, code: 400 });
    });

    it('answers 404 for a missing runtime without image and source', async () => {
      const response = await execute('missing', { image: IMAGE });
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({
        type: 'runtime_not_found',
        message: 'Runtime not found. Please start it first or provide runtime-related parameters.',
      });
    });

    it('answers runtime_timeout when the runtime never listens in time', async () => {
      const response = await execute('never-listens', {
        image: IMAGE,
        source: archive,
        runtimeEntrypoint: 'sleep 60',
        timeout: 2,
      });
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({
        type: 'runtime_timeout',
        message: 'Timed out waiting for runtime.',
      });
      expect((await executorCall(sut.baseUrl, 'DELETE', '/v1/runtimes/never-listens')).status).toBe(
        200,
      );
    });
  });

  describe('cold start', () => {
    it('starts a missing runtime with cpus 2.5 and memory 1024 visible to the function', async () => {
      const result = await executeJson('sized', {
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
        variables: JSON.stringify({ CUSTOM: 'cold' }),
        cpus: 2.5,
        memory: 1024,
        path: '/env',
        timeout: 30,
      });
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({
        cpus: '2.5',
        memory: '1024',
        secretSet: true,
        executorHostname: sut.hostname,
        custom: 'cold',
      });
      const info = await sut.docker.getContainer(`${sut.hostname}-sized`).inspect();
      expect(info.HostConfig.CpuQuota).toBe(250_000);
      expect(info.HostConfig.Memory).toBe(1_024_000_000);
      const again = await executeJson('sized', { path: '/env' });
      expect(JSON.parse(again.body).custom).toBe('cold');
    });
  });

  describe('a runtime that dies', () => {
    it('reports a runtime that dies mid-request as a generic 500', async () => {
      const pending = execute('warm', { path: '/sleep?ms=60000', timeout: 30 });
      await sleep(1500);
      await sut.docker.getContainer(`${sut.hostname}-warm`).kill();
      const response = await pending;
      expect(response.status).toBe(500);
      expect(response.json()).toMatchObject({
        type: 'general_unknown',
        code: 500,
        message: expect.stringMatching(
          /^Internal curl error has occurred within the executor! Error Number: \d+$/,
        ),
      });
    });
  });
});
