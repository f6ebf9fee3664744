import { executorCall, ExecutorHarness, startExecutorHarness } from '../support/executor-harness';

describe('OpenRuntimes /v1 configuration (e2e)', () => {
  describe('with an empty executor secret', () => {
    let sut: ExecutorHarness;

    beforeAll(async () => {
      sut = await startExecutorHarness({ URT_SECRET: '' });
    });

    afterAll(async () => {
      await sut.close();
      expect(await sut.containers()).toEqual([]);
      expect(await sut.networkExists()).toBe(false);
    });

    it.each(['Bearer ', 'Bearer anything', 'Bearer executor-test-secret'])(
      'rejects every authenticated call (%j)',
      async (authorization) => {
        const response = await executorCall(sut.baseUrl, 'GET', '/v1/runtimes', {
          headers: { authorization },
        });
        expect(response.status).toBe(401);
        expect(response.json()).toMatchObject({
          type: 'general_unauthorized',
          message: 'Missing executor key',
        });
      },
    );
  });

  describe('in production with an image allowlist', () => {
    let sut: ExecutorHarness;

    beforeAll(async () => {
      sut = await startExecutorHarness({
        URT_ENV: 'production',
        URT_RUNTIMES: 'runcell/node:v5,runcell/missing:1',
        URT_VERSION: '9.9.9',
      });
    });

    afterAll(async () => {
      await sut.close();
      expect(await sut.containers()).toEqual([]);
      expect(await sut.networkExists()).toBe(false);
    });

    it('refuses an image that is not on the list', async () => {
      const response = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
        json: { runtimeId: 'other', image: 'runcell/node:v2' },
      });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        type: 'execution_bad_request',
        message: 'Image "runcell/node:v2" is not allowed by this executor.',
        code: 400,
        version: '9.9.9',
      });
    });

    it('masks generic 500s but keeps framework 4xx errors as they are', async () => {
      const missing = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
        json: { runtimeId: 'missing', image: 'runcell/missing:1' },
      });
      expect(missing.status).toBe(500);
      expect(missing.json()).toEqual({
        type: 'general_unknown',
        message: 'Internal server error.',
        code: 500,
        version: '9.9.9',
      });
      const invalid = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', { json: {} });
      expect(invalid.status).toBe(400);
      expect(invalid.json().message).toBe('Param "runtimeId" is not optional.');
    });

    it('answers a cold start with a refused image as a generic 500', async () => {
      const response = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes/refused/executions', {
        json: { image: 'runcell/node:v2', source: '/nowhere.tar.gz', timeout: 5 },
      });
      expect(response.status).toBe(500);
      expect(response.json().type).toBe('general_unknown');
    });
  });
});
