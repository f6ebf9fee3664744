import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Fastify from 'fastify';
import { createRequestLogger, registerRequestLog, responseForLog } from './request-log';

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('responseForLog', () => {
  it('censors the cookies a response sets and keeps the other headers', () => {
    const sut = response();
    sut.setHeader('set-cookie', ['session=secret-cookie-value; HttpOnly']);
    sut.setHeader('content-type', 'application/json');

    const logged = responseForLog(sut);

    expect(JSON.stringify(logged)).not.toContain('secret-cookie-value');
    expect(logged.headers).toEqual({
      'set-cookie': '[redacted]',
      'content-type': 'application/json',
    });
    expect(sut.getHeader('set-cookie')).toEqual(['session=secret-cookie-value; HttpOnly']);
  });

  it('has no status code before the head was sent, as pino wrote it', () => {
    const sut = response();
    sut.statusCode = 404;

    expect(responseForLog(sut).statusCode).toBeNull();
  });
});

describe('registerRequestLog', () => {
  it('writes a failed request at level error with the status code as its error', async () => {
    const lines: string[] = [];
    const app = Fastify();
    registerRequestLog(
      app,
      createRequestLogger({ level: 'info' }, { write: (line) => void lines.push(line) }),
    );
    app.get('/unavailable', (_request, reply) => reply.status(503).send('down'));

    await app.inject({ method: 'GET', url: '/unavailable' });
    await new Promise((resolve) => setImmediate(resolve));
    await app.close();

    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 50,
        req: expect.objectContaining({ method: 'GET', url: '/unavailable' }),
        res: expect.objectContaining({ statusCode: 503 }),
        err: expect.objectContaining({ message: 'failed with status code 503' }),
        msg: 'request errored',
      }),
    ]);
  });
});
