import { ExecutorHarness, multipartBody } from '../support/executor-harness';
import { RUNTIMES_IMAGE as IMAGE, runtimesSuite } from './runtimes-suite';

describe('OpenRuntimes /v1 runtimes (e2e)', () => {
  const { state, call, expectError } = runtimesSuite();
  let sut: ExecutorHarness;
  let archive: string;

  beforeAll(() => {
    ({ sut, archive } = state);
  });

  describe('create, list, get, delete', () => {
    it('creates a runtime container with the OpenRuntimes name, labels, limits and env', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: {
          runtimeId: 'basic',
          image: IMAGE,
          source: archive,
          entrypoint: 'index.js',
          variables: { GREETING: 'hi', 'BAD KEY!': 'x', NUMBER: 5 },
          cpus: 0.5,
          memory: 256,
          unknownParameter: 'ignored',
        },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
      expect(response.headers.get('server')).toBe('Executor');
      const body = response.json();
      expect(body).toEqual({
        output: [],
        startTime: expect.any(Number),
        duration: expect.any(Number),
      });

      const container = sut.docker.getContainer(`${sut.hostname}-basic`);
      const info = await container.inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Config.Labels).toMatchObject({
        'openruntimes-executor': sut.hostname,
        'openruntimes-runtime-id': 'basic',
        'runcell.managed': 'true',
        'runcell.kind': 'runtime',
      });
      expect(info.HostConfig.CpuQuota).toBe(50_000);
      expect(info.HostConfig.Memory).toBe(256_000_000);
      expect(info.Config.Cmd).toEqual(['tail', '-f', '/dev/null']);
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([sut.network]);
      expect(info.Config.Env).toEqual(
        expect.arrayContaining([
          'GREETING=hi',
          'BADKEY=x',
          'NUMBER=5',
          'OPEN_RUNTIMES_ENTRYPOINT=index.js',
          `OPEN_RUNTIMES_HOSTNAME=${sut.hostname}`,
          'OPEN_RUNTIMES_CPUS=0.5',
          'OPEN_RUNTIMES_MEMORY=256',
          'CI=true',
        ]),
      );
      expect(info.HostConfig.Binds).toEqual([
        `${sut.tmpDir}/${sut.hostname}-basic/src:/tmp:rw`,
        `${sut.tmpDir}/${sut.hostname}-basic/builds:/mnt/code:rw`,
        `${sut.tmpDir}/${sut.hostname}-basic/logs:/mnt/logs:rw`,
        `${sut.tmpDir}/${sut.hostname}-basic/logging:/tmp/logging:rw`,
      ]);
    });

    it('lists and gets the state row', async () => {
      const list = await call('GET', '/v1/runtimes');
      expect(list.status).toBe(200);
      const rows = list.json();
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row).toEqual({
        version: 'v5',
        created: expect.any(Number),
        updated: expect.any(Number),
        name: `${sut.hostname}-basic`,
        hostname: expect.stringMatching(/^[0-9a-f]{32}$/),
        status: expect.stringMatching(/^Up \d+(\.\d+)?s$/),
        key: expect.stringMatching(/^[0-9a-f]{32}$/),
        listening: 0,
        image: IMAGE,
        initialised: 1,
      });
      const one = await call('GET', '/v1/runtimes/basic');
      expect(one.status).toBe(200);
      expect(one.json()).toEqual(row);
    });

    it('refuses a second runtime with the same id', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: 'basic', image: IMAGE },
      });
      expectError(response, 409, 'runtime_conflict', 'Runtime already exists ');
    });

    it('refuses a create while the same id is being created', async () => {
      const json = { runtimeId: 'racing', image: IMAGE };
      const responses = await Promise.all([
        call('POST', '/v1/runtimes', { json }),
        call('POST', '/v1/runtimes', { json }),
      ]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 409]);
      const conflict = responses.find((response) => response.status === 409)!;
      expectError(
        conflict,
        409,
        'runtime_conflict',
        'A runtime with the same ID is already being created. Attempt a execution soon.',
      );
      expect((await call('DELETE', '/v1/runtimes/racing')).status).toBe(200);
    });

    it('deletes a runtime with an empty 200 and removes its container', async () => {
      const response = await call('DELETE', '/v1/runtimes/basic');
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(0);
      expect(response.headers.get('content-type')).toBeNull();
      expect(response.headers.get('server')).toBe('Executor');
      await expect(sut.docker.getContainer(`${sut.hostname}-basic`).inspect()).rejects.toThrow();
      expect((await call('GET', '/v1/runtimes')).json()).toEqual([]);
    });

    it('answers 404 runtime_not_found for unknown ids', async () => {
      expectError(
        await call('GET', '/v1/runtimes/basic'),
        404,
        'runtime_not_found',
        'Runtime not found',
      );
      expectError(
        await call('DELETE', '/v1/runtimes/basic'),
        404,
        'runtime_not_found',
        'Runtime not found',
      );
    });

    it('reads multipart and urlencoded bodies like PHP, with bracket keys and string values', async () => {
      const multipart = multipartBody({
        runtimeId: 'form-multipart',
        image: IMAGE,
        'variables[FROM_FORM]': 'yes',
        cpus: '0.25',
        memory: '',
        remove: '',
        version: 'v5',
      });
      const created = await call('POST', '/v1/runtimes', {
        body: multipart.body,
        headers: { 'content-type': multipart.contentType },
      });
      expect(created.status).toBe(201);
      const info = await sut.docker.getContainer(`${sut.hostname}-form-multipart`).inspect();
      expect(info.Config.Env).toEqual(expect.arrayContaining(['FROM_FORM=yes']));
      expect(info.HostConfig.CpuQuota).toBe(25_000);
      expect(info.HostConfig.Memory).toBe(512_000_000);

      const urlencoded = await call('POST', '/v1/runtimes', {
        body: `runtimeId=form-urlencoded&image=${encodeURIComponent(IMAGE)}&variables%5BA%5D=1+2&variables[B]=%C3%A9`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(urlencoded.status).toBe(201);
      const second = await sut.docker.getContainer(`${sut.hostname}-form-urlencoded`).inspect();
      expect(second.Config.Env).toEqual(expect.arrayContaining(['A=1 2', 'B=é']));

      for (const id of ['form-multipart', 'form-urlencoded']) {
        expect((await call('DELETE', `/v1/runtimes/${id}`)).status).toBe(200);
      }
    });

    it('treats an invalid JSON body as no parameters', async () => {
      const response = await call('POST', '/v1/runtimes', {
        body: '{not json',
        headers: { 'content-type': 'application/json' },
      });
      expectError(response, 400, 'general_unknown', 'Param "runtimeId" is not optional.');
    });

    it('removes the runtime before answering when remove is true', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: 'removed', image: IMAGE, remove: true },
      });
      expect(response.status).toBe(201);
      expect((await call('GET', '/v1/runtimes/removed')).status).toBe(404);
      await expect(sut.docker.getContainer(`${sut.hostname}-removed`).inspect()).rejects.toThrow();
    });
  });
});
