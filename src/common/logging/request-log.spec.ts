import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { responseForLog } from './request-log';

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
