import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { collapseHeaders, groupResponseHeaders, wantsHeaderArrays } from './execution-result';
import { acceptsJson, encodeJson, encodeMultipart } from './execution-response.writer';

const result = {
  statusCode: 200,
  headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
  body: Buffer.from('hi'),
  logs: 'log\n',
  errors: '',
  duration: 1,
  startTime: 1763900000.25,
};

describe('acceptsJson', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/*', true],
    ['text/plain, application/json', true],
    ['text/plain,application/json', false],
    ['*/*', false],
    ['text/plain', false],
    ['application/xml', false],
    ['multipart/form-data', false],
    [undefined, false],
  ])('%s → JSON %s', (accept, expected) => {
    expect(acceptsJson(accept)).toBe(expected);
  });
});

describe('response headers', () => {
  it('lower-case names arrive grouped in order, runtime headers dropped', () => {
    const sut = groupResponseHeaders([
      ['set-cookie', 'a=1'],
      ['x-open-runtimes-log-id', 'abc'],
      ['content-type', 'text/plain'],
      ['set-cookie', 'b=2'],
      ['set-cookie', 'c=3'],
    ]);
    expect(sut).toEqual({ 'set-cookie': ['a=1', 'b=2', 'c=3'], 'content-type': 'text/plain' });
    expect(collapseHeaders(sut)).toEqual({ 'set-cookie': 'c=3', 'content-type': 'text/plain' });
  });

  it.each([
    [undefined, false],
    ['0.10.0', false],
    ['0.10.9', false],
    ['0.11.0', true],
    ['0.11', true],
    ['1.0.0', true],
    ['garbage', false],
  ])('format %s keeps arrays: %s', (format, expected) => {
    expect(wantsHeaderArrays(format)).toBe(expected);
  });
});

describe('encodeMultipart', () => {
  it('writes the fields byte for byte in the PHP order and framing', () => {
    const boundary = '-----------------------------0123456789abc';
    const sut = encodeMultipart({ ...result, body: Buffer.from([0xff, 0x00]) }, boundary);
    expect(sut.contentType).toBe(`multipart/form-data; boundary=${boundary}`);
    const expected = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="statusCode"\r\n\r\n200\r\n--${boundary}` +
          `\r\nContent-Disposition: form-data; name="headers"\r\nContent-Type: application/json\r\n\r\n` +
          `{"content-type":"text/plain","set-cookie":["a=1","b=2"]}\r\n--${boundary}` +
          `\r\nContent-Disposition: form-data; name="body"\r\n\r\n`,
      ),
      Buffer.from([0xff, 0x00]),
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="logs"\r\n\r\nlog\n\r\n--${boundary}` +
          `\r\nContent-Disposition: form-data; name="errors"\r\n\r\n\r\n--${boundary}` +
          `\r\nContent-Disposition: form-data; name="duration"\r\n\r\n1\r\n--${boundary}` +
          `\r\nContent-Disposition: form-data; name="startTime"\r\n\r\n1763900000.25\r\n--${boundary}--\r\n`,
      ),
    ]);
    expect(sut.body.equals(expected)).toBe(true);
  });

  it('writes empty headers as [] and picks a boundary the content does not contain', () => {
    const sut = encodeMultipart({ ...result, headers: {} });
    const boundary = sut.contentType.split('boundary=')[1];
    expect(boundary).toMatch(/^-{29}[0-9a-f]{13}$/);
    expect(sut.body.toString()).toContain('Content-Type: application/json\r\n\r\n[]\r\n');
    const clash = encodeMultipart({ ...result, body: Buffer.from(`x--${boundary}x`) });
    expect(clash.contentType).not.toContain(boundary);
  });
});

describe('encodeJson', () => {
  it('answers content-type application/json exactly, empty headers as []', () => {
    const sut = encodeJson({ ...result, headers: {} });
    expect(sut.contentType).toBe('application/json');
    expect(JSON.parse(sut.body.toString())).toEqual({
      statusCode: 200,
      headers: [],
      body: 'hi',
      logs: 'log\n',
      errors: '',
      duration: 1,
      startTime: 1763900000.25,
    });
  });

  it('refuses a body that is not valid UTF-8 with execution_bad_json', () => {
    expect(() => encodeJson({ ...result, body: Buffer.from([0xc3, 0x28]) })).toThrow(
      new ExecutorError(ExecutorErrorType.EXECUTION_BAD_JSON),
    );
  });
});
