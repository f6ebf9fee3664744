import { randomBytes } from 'node:crypto';
import {
  EXECUTOR_SECRET,
  executorCall,
  ExecutorHarness,
  multipartBody,
  parseMultipartAnswer,
  rawRequest,
} from '../support/executor-harness';
import { v5ExecutionsSuite } from './v5-executions-suite';

describe('OpenRuntimes /v1 executions, v5 (e2e)', () => {
  const suite = v5ExecutionsSuite();
  const { execute } = suite;
  let sut: ExecutorHarness;

  beforeAll(() => {
    ({ sut } = suite.state);
  });

  describe('response encoding', () => {
    it.each(['application/json', 'application/*', 'text/plain, application/json'])(
      'answers JSON for Accept %s',
      async (accept) => {
        const response = await execute('warm', {}, { accept });
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(response.json().body).toBe('hello GET');
      },
    );

    it.each(['*/*', 'text/plain', 'text/plain,application/json', 'multipart/form-data'])(
      'answers multipart for Accept %s',
      async (accept) => {
        const response = await execute('warm', {}, { accept });
        const fields = parseMultipartAnswer(response.headers.get('content-type')!, response.body);
        expect(Object.keys(fields)).toEqual([
          'statusCode',
          'headers',
          'body',
          'logs',
          'errors',
          'duration',
          'startTime',
        ]);
        expect(fields.statusCode.toString()).toBe('200');
        expect(fields.body.toString()).toBe('hello GET');
        expect(JSON.parse(fields.headers.toString())).toMatchObject({
          'content-type': 'text/plain; charset=utf-8',
        });
        expect(Number(fields.duration.toString())).toBeGreaterThan(0);
        expect(Number(fields.startTime.toString())).toBeGreaterThan(1_700_000_000);
      },
    );

    it('answers multipart when Accept is missing, with the PHP boundary shape', async () => {
      const response = await rawRequest(
        `${sut.baseUrl}/v1/runtimes/warm/executions`,
        'POST',
        { authorization: `Bearer ${EXECUTOR_SECRET}`, 'content-type': 'application/json' },
        JSON.stringify({ path: '/logs' }),
      );
      expect(response.status).toBe(200);
      const contentType = response.headers['content-type'] as string;
      expect(contentType).toMatch(/^multipart\/form-data; boundary=-{29}[0-9a-f]{13}$/);
      const boundary = contentType.split('boundary=')[1];
      const fields = parseMultipartAnswer(contentType, response.body);
      expect(fields.logs.toString()).toBe('first log\n{"structured":true}\n');
      expect(response.body.subarray(0, boundary.length + 2).toString()).toBe(`--${boundary}`);
      expect(response.body.toString()).toContain(
        `Content-Disposition: form-data; name="headers"\r\nContent-Type: application/json\r\n\r\n`,
      );
      expect(response.body.subarray(-(boundary.length + 8)).toString()).toBe(
        `\r\n--${boundary}--\r\n`,
      );
    });

    it('carries binary request and response bodies byte for byte through multipart', async () => {
      const payload = Buffer.concat([randomBytes(4096), Buffer.from('\r\n--boundary\r\n\0\xff')]);
      const form = multipartBody({
        path: '/echo-binary',
        method: 'POST',
        body: payload,
        headers: JSON.stringify({ 'content-type': 'application/octet-stream' }),
      });
      const response = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes/warm/executions', {
        body: form.body,
        headers: { 'content-type': form.contentType, accept: 'multipart/form-data' },
      });
      expect(response.status).toBe(200);
      const fields = parseMultipartAnswer(response.headers.get('content-type')!, response.body);
      expect(fields.statusCode.toString()).toBe('200');
      expect(fields.body.equals(payload)).toBe(true);

      const generated = await execute('warm', { path: '/binary' }, { accept: '*/*' });
      const generatedFields = parseMultipartAnswer(
        generated.headers.get('content-type')!,
        generated.body,
      );
      expect([...generatedFields.body]).toEqual([0, 1, 2, 0xff, 0xfe, 0x80, 0x0d, 0x0a]);
    });

    it('refuses a binary body in JSON with execution_bad_json', async () => {
      const response = await execute('warm', { path: '/binary' });
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({
        type: 'execution_bad_json',
        code: 400,
        message:
          'Execution resulted in binary response, but JSON response does not allow binaries. Use "Accept: multipart/form-data" header to support binaries.',
      });
    });

    it('reads urlencoded execution parameters with bracket headers', async () => {
      const response = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes/warm/executions', {
        body: 'path=%2Fecho&method=PATCH&headers[x-form]=yes&logging=0&timeout=10',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
      });
      expect(response.status).toBe(200);
      const echoed = JSON.parse(response.json().body);
      expect(echoed).toMatchObject({ method: 'PATCH', headers: { 'x-form': 'yes' } });
    });
  });
});
