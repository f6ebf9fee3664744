import { readdirSync } from 'node:fs';
import { ExecutorHarness, multipartBody } from '../support/executor-harness';
import { RUNTIMES_IMAGE as IMAGE, runtimesSuite } from './runtimes-suite';

describe('OpenRuntimes /v1 runtimes (e2e)', () => {
  const { state, call, expectError } = runtimesSuite();
  let sut: ExecutorHarness;
  let archive: string;

  beforeAll(() => {
    ({ sut, archive } = state);
  });

  describe('auth', () => {
    it.each([
      ['no header', {}],
      ['a wrong secret', { authorization: 'Bearer nope' }],
      ['a token of "0"', { authorization: 'Bearer 0' }],
      ['no token after the scheme', { authorization: `Bearer` }],
      ['the secret without a scheme word', { authorization: 'executor-test-secret' }],
    ])('answers 401 general_unauthorized for %s, before validating', async (_case, headers) => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: '' },
        headers: { authorization: '', ...headers },
      });
      expectError(response, 401, 'general_unauthorized', 'Missing executor key');
    });

    it('answers 401 before reading a malformed multipart body', async () => {
      const response = await call('POST', '/v1/runtimes', {
        body: '--XyZ\r\nContent-Disposition: form-data; name="runtimeId"\r\n\r\nabc',
        headers: { authorization: '', 'content-type': 'multipart/form-data; boundary=XyZ' },
      });
      expectError(response, 401, 'general_unauthorized', 'Missing executor key');
    });

    it('accepts any scheme word before the secret', async () => {
      const response = await call('GET', '/v1/runtimes', {
        headers: { authorization: 'Foo executor-test-secret' },
      });
      expect(response.status).toBe(200);
    });

    it('answers unknown /v1 routes with 404 Not Found before auth', async () => {
      const response = await call('GET', '/v1/nothing-here', { headers: { authorization: '' } });
      expectError(response, 404, 'general_unknown', 'Not Found');
    });

    it('leaves /v1/health open', async () => {
      const response = await call('GET', '/v1/health', { headers: { authorization: '' } });
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('OK');
      expect(response.headers.get('server')).toBe('Executor');
    });
  });

  describe('parameters', () => {
    it.each([
      ['Param "runtimeId" is not optional.', {}],
      ['Param "image" is not optional.', { runtimeId: 'a' }],
      [
        'Invalid `runtimeId` param: Value must be a valid string and at least 1 chars and no longer than 64 chars',
        { runtimeId: '', image: IMAGE },
      ],
      [
        'Invalid `runtimeId` param: Value must be a valid string and at least 1 chars and no longer than 64 chars',
        { runtimeId: 'x'.repeat(65), image: IMAGE },
      ],
      [
        'Invalid `image` param: Value must be a valid string and at least 1 chars and no longer than 128 chars',
        { runtimeId: 'a', image: 'i'.repeat(129) },
      ],
      [
        'Invalid `entrypoint` param: Value must be a valid string and no longer than 256 chars',
        { runtimeId: 'a', image: IMAGE, entrypoint: 'e'.repeat(257) },
      ],
      [
        'Invalid `runtimeEntrypoint` param: Value must be a valid string and no longer than 1024 chars',
        { runtimeId: 'a', image: IMAGE, runtimeEntrypoint: 'e'.repeat(1025) },
      ],
      [
        'Invalid `variables` param: Value must be a valid object.',
        { runtimeId: 'a', image: IMAGE, variables: ['x'] },
      ],
      [
        'Invalid `timeout` param: Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647',
        { runtimeId: 'a', image: IMAGE, timeout: '10' },
      ],
      [
        'Invalid `remove` param: Value must be a valid boolean',
        { runtimeId: 'a', image: IMAGE, remove: 'yes' },
      ],
      [
        'Invalid `cpus` param: Value must be a valid float',
        { runtimeId: 'a', image: IMAGE, cpus: 'many' },
      ],
      [
        'Invalid `memory` param: Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647',
        { runtimeId: 'a', image: IMAGE, memory: 1.5 },
      ],
      [
        'Invalid `version` param: Value must be one of (v2, v4, v5)',
        { runtimeId: 'a', image: IMAGE, version: 'v9' },
      ],
      [
        'Invalid `restartPolicy` param: Value must be one of (no, always, on-failure, unless-stopped)',
        { runtimeId: 'a', image: IMAGE, restartPolicy: 'Always' },
      ],
    ])('rejects with 400: %s', async (message, json) => {
      expectError(await call('POST', '/v1/runtimes', { json }), 400, 'general_unknown', message);
    });

    it('limits an execution body to 20 MiB and a request to the configured 22 MiB', async () => {
      const tooLong = await call('POST', '/v1/runtimes/any/executions', {
        json: { body: 'b'.repeat(20 * 1024 * 1024 + 1) },
      });
      expectError(
        tooLong,
        400,
        'general_unknown',
        'Invalid `body` param: Value must be a valid string and at least 1 chars and no longer than 20971520 chars',
      );
      const tooBig = await call('POST', '/v1/runtimes/any/executions', {
        json: { body: 'b'.repeat(23 * 1024 * 1024) },
      });
      expect(tooBig.status).toBe(413);
      expect(tooBig.json()).toMatchObject({ type: 'general_unknown', code: 413 });
      expect(tooBig.headers.get('server')).toBe('Executor');
    });

    it.each(['../../escape', 'a/b', 'white space'])(
      'refuses runtime id %j, which is no Docker name, before touching any file',
      async (runtimeId) => {
        const response = await call('POST', '/v1/runtimes', {
          json: { runtimeId, image: IMAGE, source: archive },
        });
        expectError(
          response,
          400,
          'execution_bad_request',
          'Runtime ID may only contain letters, numbers, dots, underscores and hyphens.',
        );
        expect(readdirSync(sut.tmpDir)).toEqual([]);
      },
    );

    it('limits multipart parts together to the configured 22 MiB', async () => {
      const form = multipartBody({
        first: Buffer.alloc(12 * 1024 * 1024, 1),
        second: Buffer.alloc(12 * 1024 * 1024, 2),
      });
      const response = await call('POST', '/v1/runtimes/any/executions', {
        body: form.body,
        headers: { 'content-type': form.contentType },
      });
      expectError(response, 413, 'general_unknown', 'Request body is too large');
    });

    it('rejects a bad cache key with execution_bad_request', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: 'a', image: IMAGE, cacheKey: '-bad' },
      });
      expectError(
        response,
        400,
        'execution_bad_request',
        'Cache key must start with a letter or number and may only contain letters, numbers, dots, underscores, and hyphens.',
      );
    });

    it('reports a missing image as a generic 500 and leaves nothing behind', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: 'no-image', image: 'runcell/does-not-exist:1' },
      });
      expect(response.status).toBe(500);
      expect(response.json()).toMatchObject({
        type: 'general_unknown',
        message: expect.stringContaining('Missing image "runcell/does-not-exist:1"'),
      });
      expect((await call('GET', '/v1/runtimes/no-image')).status).toBe(404);
    });

    it('reports a missing source file as a generic 500', async () => {
      const response = await call('POST', '/v1/runtimes', {
        json: { runtimeId: 'no-source', image: IMAGE, source: '/nonexistent/code.tar.gz' },
      });
      expectError(
        response,
        500,
        'general_unknown',
        'Failed to copy source code to temporary directory',
      );
    });
  });
});
