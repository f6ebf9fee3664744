import fc from 'fast-check';
import type { Operation } from './openapi-operations';

/** What a generated request may point at: real ids and tokens of the fuzzing session. */
export interface FuzzContext {
  token: string;
  /** A token only the sign-out route uses: signing out denies it. */
  signOutToken: string;
  taskId: string;
  /** The task the delete route gets, so the others keep a real task to work on. */
  doomedTaskId: string;
  executionId: string;
}

export interface InjectRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** A generated request, completed with the session's ids and tokens when it runs. */
export interface FuzzRequest {
  build(context: FuzzContext): InjectRequest;
}

const MIB = 1024 * 1024;

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Text meant to break parsers, validators, databases and loggers. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\uffff\ufffe',
    '%00',
    '../../../etc/passwd',
    "' OR 1=1 --",
    '"; DROP TABLE users; --',
    '${jndi:ldap://127.0.0.1/x}',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    '-1',
    '0',
    '1e400',
    'NaN',
    'true',
    'null',
    'é'.repeat(300),
    'x'.repeat(70_000),
  ),
);

/** Any JSON value, including the wrong type for a field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -0.0001, 3601, 4097),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyText, { maxLength: 3 }),
  fc.dictionary(nastyText, nastyText, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { admin: true } }),
  fc.constant(JSON.parse(nested(2000, '{"a":', '}')) as unknown),
);

/** A plausible value for a field of a declared type, so validation gets past the obvious. */
function plausible(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return fc.oneof(fc.string({ minLength: 8, maxLength: 30 }), fc.emailAddress());
    case 'number':
    case 'integer':
      return fc.integer({ min: 0, max: 10 });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom('python', 'javascript', 'bash', 'cancelled', 'completed', 'running');
    default:
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), {
        maxKeys: 3,
      });
  }
}

/** A JSON object from the body schema: fields plausible, wrong, missing or extra. */
function schemaBody(fields: Record<string, string>): fc.Arbitrary<unknown> {
  const entries = Object.entries(fields).map(
    ([name, type]) =>
      [
        name,
        fc.option(
          fc.oneof({ weight: 3, arbitrary: plausible(type) }, { weight: 1, arbitrary: anyValue }),
          { freq: 6, nil: undefined },
        ),
      ] as const,
  );
  return fc
    .tuple(
      fc.record(Object.fromEntries(entries)),
      fc.dictionary(nastyText, anyValue, { maxKeys: 2 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([known, extra, extraChance]) => [known, extra, extraChance === 0] as const)
    .map(([known, extra, withExtra]) =>
      withExtra ? { ...extra, ...(known as object) } : (known as unknown),
    );
}

/** A raw body: JSON of a generated value, or bytes no JSON parser should accept. */
function rawBody(
  fields: Record<string, string> | undefined,
): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: (fields ? schemaBody(fields) : anyValue).map((value) => JSON.stringify(value)),
    },
    { weight: 2, arbitrary: anyValue.map((value) => JSON.stringify(value)) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<string | Buffer | undefined>(
        undefined,
        '',
        '{',
        '{"a":',
        'null',
        '[]',
        '"just a string"',
        '{"email": "a@b.c", "email": "dup@b.c"}',
        '{"__proto__": {"role": "admin"}}',
        '{"constructor": {"prototype": {"role": "admin"}}}',
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
        Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        Buffer.from([0xed, 0xa0, 0x80]),
        nested(10_000, '[', ']'),
        nested(50_000, '{"a":', '}'),
        `{"name":"${'x'.repeat(300_000)}"}`,
        'x'.repeat(2 * MIB),
        `{"a":${'1'.repeat(400)}}`,
        'name=a&password=b',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
      ),
    },
  );
}

const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/vnd.api+json',
  '*/*',
  undefined,
);

/** Header-safe text (visible ASCII and Latin-1), as an HTTP client can send it. */
const headerText = fc.oneof(
  fc.string({ maxLength: 40 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom(
    '',
    '1700000000000-0',
    '99999999999999999999-99999999999999999999',
    '0-0',
    'é\u00ff',
    'x'.repeat(4000),
  ),
);

type TokenChoice = 'valid' | 'none' | 'garbage' | 'refresh' | 'basic' | 'alg-none';

const tokenChoice = fc.constantFrom<TokenChoice>(
  'valid',
  'valid',
  'valid',
  'none',
  'garbage',
  'refresh',
  'basic',
  'alg-none',
);

function authorization(choice: TokenChoice, token: string): Record<string, string> {
  switch (choice) {
    case 'valid':
      return { authorization: `Bearer ${token}` };
    case 'none':
      return {};
    case 'garbage':
      return { authorization: 'Bearer not.a.jwt' };
    case 'refresh':
      return { authorization: 'Bearer 00000000-0000-0000-0000-000000000000.secret' };
    case 'basic':
      return { authorization: 'Basic YWRtaW46YWRtaW4=' };
    case 'alg-none':
      return {
        authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","type":"access"}').toString('base64url')}.`,
      };
  }
}

type IdChoice = { kind: 'real' } | { kind: 'literal'; value: string };

const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<IdChoice>({ kind: 'real' }) },
  { weight: 2, arbitrary: fc.uuid().map((value): IdChoice => ({ kind: 'literal', value })) },
  { weight: 3, arbitrary: nastyText.map((value): IdChoice => ({ kind: 'literal', value })) },
);

/** Percent-encodes every byte, so any text (lone surrogates included) becomes a valid URL part. */
function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .join('');
}

const rawUrlJunk = fc.constantFrom(
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '%',
  '%zz',
  '%ff%fe',
  '%c0%80',
  '%ed%a0%80',
  '?',
  '#x',
  '//',
  '/..',
);

const queryValue = fc.oneof(
  nastyText.map(encode),
  fc.integer({ min: -5, max: 1000 }).map(String),
  fc.constantFrom(
    '',
    '%',
    '%ff',
    'a%00b',
    'eyJ.x',
    'WyJ4IiwieCJd.sig',
    '1.5',
    '1e9',
    'asc',
    'desc',
    'name',
    'true',
  ),
);

/** Generated requests for one operation of the document. */
export function requestFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      ids: fc.array(idChoice, {
        minLength: operation.pathParams.length,
        maxLength: operation.pathParams.length,
      }),
      junk: rawUrlJunk,
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...(operation.queryParams.length ? operation.queryParams : ['x'])),
            fc.constantFrom('limit', 'cursor', 'extra', 'q[]', '__proto__'),
          ),
          queryValue,
        ),
        { maxLength: 4 },
      ),
      body:
        operation.method === 'GET' || operation.method === 'DELETE'
          ? fc.option(rawBody(undefined), { freq: 8, nil: undefined })
          : rawBody(operation.bodyFields),
      contentType,
      token: tokenChoice,
      extraHeaders: fc.dictionary(
        fc.constantFrom(
          'idempotency-key',
          'last-event-id',
          'accept',
          'x-request-id',
          'content-encoding',
        ),
        headerText,
        { maxKeys: 2 },
      ),
    })
    .map((generated): FuzzRequest => ({
      build(context) {
        let index = 0;
        const path = operation.path.replace(/\{[^}]+\}/g, () => {
          const choice = generated.ids[index++];
          if (choice?.kind === 'literal') return encode(choice.value);
          if (operation.path.startsWith('/api/v1/executions')) return context.executionId;
          return operation.method === 'DELETE' ? context.doomedTaskId : context.taskId;
        });
        const query = generated.query
          .map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
          .join('&');
        const url = `${path}${generated.junk}${query ? `?${query}` : ''}`;
        const token =
          operation.path === '/api/v1/auth/logout' ? context.signOutToken : context.token;
        // The executor secret is never sent: /v1 is only checked for "no 5xx without it".
        const auth =
          operation.security === 'executor' && generated.token === 'valid'
            ? {}
            : authorization(generated.token, token);
        const headers: Record<string, string> = { ...generated.extraHeaders, ...auth };
        if (generated.contentType && generated.body !== undefined)
          headers['content-type'] = generated.contentType;
        return { method: operation.method, url, headers, payload: generated.body };
      },
    }));
}
