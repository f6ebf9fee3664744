import fastifyMultipart from '@fastify/multipart';
import Fastify, { FastifyInstance } from 'fastify';
import { readMultipartForm } from './multipart-form';
import { FormMap } from './php-form';

describe('readMultipartForm', () => {
  let sut: FastifyInstance;
  const MAX_BYTES = 64;

  beforeAll(async () => {
    sut = Fastify();
    await sut.register(fastifyMultipart);
    sut.post('/form', async (request) => {
      const form = await readMultipartForm(request, MAX_BYTES);
      return hexOf(form);
    });
    await sut.ready();
  });

  afterAll(() => sut.close());

  /** Buffers as hex, so the answer shows the exact bytes read. */
  function hexOf(value: FormMap | FormMap[string]): unknown {
    if (Buffer.isBuffer(value)) return value.toString('hex');
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(hexOf);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hexOf(item)]));
  }

  function form(parts: [string, Buffer | string, string?][], boundary = 'XyZ'): Buffer {
    const chunks: Buffer[] = [];
    for (const [name, value, extraHeaders] of parts) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extraHeaders ?? ''}\r\n\r\n`,
        ),
        Buffer.isBuffer(value) ? value : Buffer.from(value),
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }

  async function post(payload: Buffer, boundary = 'XyZ') {
    const response = await sut.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    return { status: response.statusCode, body: response.json() };
  }

  it('keeps plain, file and JSON parts byte for byte and nests bracket names', async () => {
    const binary = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x58, 0xc3]);
    const response = await post(
      form([
        ['body', binary],
        ['upload', binary, '; filename="blob.bin"\r\nContent-Type: application/octet-stream'],
        ['variables[A]', 'é'],
        ['headers', '{"a":"é"}', '\r\nContent-Type: application/json'],
        ['empty', ''],
      ]),
    );
    expect(response).toEqual({
      status: 200,
      body: {
        body: binary.toString('hex'),
        upload: binary.toString('hex'),
        variables: { A: Buffer.from('é').toString('hex') },
        headers: Buffer.from('{"a":"é"}').toString('hex'),
        empty: '',
      },
    });
  });

  it('refuses parts that together exceed the limit', async () => {
    const response = await post(
      form([
        ['a', 'x'.repeat(40)],
        ['b', 'y'.repeat(40)],
      ]),
    );
    expect(response.status).toBe(413);
  });
});
