import { ExecutorError } from '../http/executor-error';
import {
  parseCommandParams,
  parseCreateExecutionParams,
  parseCreateRuntimeParams,
  parseLogsParams,
} from './runtime-params';

const VERSIONS = ['v2', 'v5'];

function errorOf(run: () => unknown): { type: string; status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ExecutorError) {
      return { type: error.type, status: error.status, message: error.message };
    }
    throw error;
  }
  throw new Error('expected an ExecutorError');
}

describe('parseCreateExecutionParams', () => {
  const parse = (params: Record<string, unknown>) =>
    parseCreateExecutionParams('runtime', params, VERSIONS);

  it('applies the defaults when nothing is sent', () => {
    const sut = parse({});
    expect(sut).toEqual({
      runtimeId: 'runtime',
      body: undefined,
      path: '/',
      method: 'GET',
      headers: {},
      timeout: 15,
      image: '',
      source: '',
      entrypoint: '',
      variables: {},
      cpus: 1,
      memory: 512,
      version: 'v5',
      runtimeEntrypoint: '',
      logging: true,
      restartPolicy: 'no',
    });
  });

  it('reads multipart strings loosely: numbers, floats and booleans', () => {
    const sut = parse({
      timeout: '30',
      cpus: '2.5',
      memory: ' 1024 ',
      logging: 'false',
      body: Buffer.from([0xff, 0x00]),
    });
    expect(sut).toMatchObject({ timeout: 30, cpus: 2.5, memory: 1024, logging: false });
    expect(sut.body).toEqual(Buffer.from([0xff, 0x00]));
  });

  it.each([
    ['false', false],
    ['0', false],
    [0, false],
    ['', false],
    [false, false],
    ['true', true],
    ['1', true],
    [1, true],
    [true, true],
  ])('reads logging %j as %s', (logging, expected) => {
    expect(parse({ logging }).logging).toBe(expected);
  });

  it('treats empty numbers as their default and null as absent', () => {
    expect(parse({ timeout: '', cpus: '', memory: null })).toMatchObject({
      timeout: 15,
      cpus: 1,
      memory: 512,
    });
  });

  it('adds a leading slash to the path and drops a body of "0"', () => {
    expect(parse({ path: 'a/b?c=d' }).path).toBe('/a/b?c=d');
    expect(parse({ body: '0' }).body).toBeUndefined();
    expect(parse({ body: 'x' }).body).toEqual(Buffer.from('x'));
  });

  it('decodes headers and variables from JSON strings or objects and stringifies values', () => {
    expect(parse({ headers: '{"a":1,"b":true}', variables: { n: 2.5, s: 'x' } })).toMatchObject({
      headers: { a: '1', b: '1' },
      variables: { n: '2.5', s: 'x' },
    });
    expect(parse({ headers: 'not json' }).headers).toEqual({});
    expect(parse({ variables: '[]' }).variables).toEqual({});
  });

  it.each([
    [{ headers: '"x"' }, 'execution_bad_request', 400, 'Value must be a valid object.'],
    [
      { headers: 5 },
      'general_unknown',
      400,
      'Invalid `headers` param: Value must be a valid object.',
    ],
    [
      { headers: ['a'] },
      'general_unknown',
      400,
      'Invalid `headers` param: Value must be a valid object.',
    ],
    [
      { timeout: '45.5' },
      'general_unknown',
      400,
      'Invalid `timeout` param: Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647',
    ],
    [
      { timeout: 2147483648 },
      'general_unknown',
      400,
      'Invalid `timeout` param: Value must be a valid signed 32-bit integer between -2,147,483,648 and 2,147,483,647',
    ],
    [{ cpus: 'x' }, 'general_unknown', 400, 'Invalid `cpus` param: Value must be a valid float'],
    [
      { logging: 'yes' },
      'general_unknown',
      400,
      'Invalid `logging` param: Value must be a valid boolean',
    ],
    [
      { version: 'v4' },
      'general_unknown',
      400,
      'Invalid `version` param: Value must be one of (v2, v5)',
    ],
    [
      { method: 'get' },
      'general_unknown',
      400,
      'Invalid `method` param: Value must be one of (GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD)',
    ],
    [
      { image: '' },
      'general_unknown',
      400,
      'Invalid `image` param: Value must be a valid string and at least 1 chars and no longer than 128 chars',
    ],
    [
      { source: '' },
      'general_unknown',
      400,
      'Invalid `source` param: Value must be a valid string and at least 1 chars',
    ],
    [
      { image: 7 },
      'general_unknown',
      400,
      'Invalid `image` param: Value must be a valid string and at least 1 chars and no longer than 128 chars',
    ],
  ])('rejects %j', (params, type, status, message) => {
    expect(errorOf(() => parse(params))).toEqual({ type, status, message });
  });

  it('accepts a version case-insensitively, as the non-strict white list does', () => {
    expect(parse({ version: 'V5' }).version).toBe('V5');
  });

  it('counts characters, not bytes, against text limits', () => {
    expect(parse({ path: `/${'é'.repeat(2047)}` }).path).toHaveLength(2048);
    expect(errorOf(() => parse({ path: `/${'é'.repeat(2048)}` })).status).toBe(400);
  });

  it('validates the path runtime id', () => {
    expect(errorOf(() => parseCreateExecutionParams('x'.repeat(65), {}, VERSIONS)).message).toBe(
      'Invalid `runtimeId` param: Value must be a valid string and at least 1 chars and no longer than 64 chars',
    );
  });
});

describe('parseCreateRuntimeParams', () => {
  const parse = (params: Record<string, unknown>) => parseCreateRuntimeParams(params, VERSIONS);

  it('reports the first missing required parameter in declaration order', () => {
    expect(errorOf(() => parse({})).message).toBe('Param "runtimeId" is not optional.');
    expect(errorOf(() => parse({ runtimeId: 'a', timeout: 'x' })).message).toBe(
      'Param "image" is not optional.',
    );
  });

  it('uses strict integers and booleans, but accepts empty strings as defaults', () => {
    const base = { runtimeId: 'a', image: 'i' };
    expect(parse({ ...base, timeout: '', remove: '' })).toMatchObject({
      timeout: 600,
      remove: false,
    });
    expect(errorOf(() => parse({ ...base, memory: '512' })).status).toBe(400);
    expect(errorOf(() => parse({ ...base, remove: 'true' })).status).toBe(400);
    expect(parse({ ...base, cpus: '0.5' }).cpus).toBe(0.5);
  });

  it('accepts empty optional texts whose minimum is 0', () => {
    expect(
      parse({
        runtimeId: 'a',
        image: 'i',
        entrypoint: '',
        source: '',
        runtimeEntrypoint: '',
        command: '',
        cacheKey: '',
      }),
    ).toMatchObject({ entrypoint: '', source: '', command: '', cacheKey: '' });
  });

  it('checks the cache key pattern', () => {
    expect(parse({ runtimeId: 'a', image: 'i', cacheKey: 'key.v1_2-3' }).cacheKey).toBe(
      'key.v1_2-3',
    );
    expect(errorOf(() => parse({ runtimeId: 'a', image: 'i', cacheKey: '.hidden' })).type).toBe(
      'execution_bad_request',
    );
  });

  it('rejects variables given as a JSON string (Assoc only takes objects)', () => {
    expect(errorOf(() => parse({ runtimeId: 'a', image: 'i', variables: '{}' })).message).toBe(
      'Invalid `variables` param: Value must be a valid object.',
    );
  });
});

describe('parseLogsParams', () => {
  it.each([
    [undefined, 600],
    ['30', 30],
    ['12abc', 12],
    ['abc', 0],
    [' 7', 7],
  ])('reads timeout %p as %p', (timeout, expected) => {
    expect(parseLogsParams('rt', { timeout }).timeout).toBe(expected);
  });

  it('refuses a timeout longer than 16 characters', () => {
    expect(() => parseLogsParams('rt', { timeout: '1'.repeat(17) })).toThrow(ExecutorError);
  });
});

describe('parseCommandParams', () => {
  it('requires a command and reads a strict integer timeout', () => {
    expect(parseCommandParams('rt', { command: 'ls' })).toEqual({
      runtimeId: 'rt',
      command: 'ls',
      timeout: 600,
    });
    expect(() => parseCommandParams('rt', {})).toThrow(ExecutorError);
    expect(() => parseCommandParams('rt', { command: 'ls', timeout: '5' })).toThrow(ExecutorError);
  });
});
