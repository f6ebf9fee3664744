import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Session, TEST_PASSWORD, uniqueEmail } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

interface RequestLine {
  level: number;
  req: { id: string; method: string; url: string };
  requestId: string;
  res: { statusCode: number; headers: Record<string, unknown> };
  responseTime: number;
  msg: string;
  err?: unknown;
}

describe('the request log', () => {
  const lines: string[] = [];
  let sut: NestFastifyApplication;

  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requestLines = (url: string) =>
    parsed().filter(
      (line) => (line.req as { url?: string } | undefined)?.url === url && 'res' in line,
    ) as unknown as RequestLine[];
  // The line is written when the response closes, just after `inject` resolves.
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ LOG_LEVEL: 'info', RATE_LIMITS_ENABLED: 'false' }), {
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('writes one line per request with the request, its id, the response and the time', async () => {
    const response = await sut.inject({
      method: 'GET',
      url: '/api/v1/request-log-probe?x=1',
      headers: { 'x-request-id': 'request-log-spec-1' },
    });
    await settle();

    expect(response.statusCode).toBe(404);
    const found = requestLines('/api/v1/request-log-probe?x=1');
    expect(found).toHaveLength(1);
    const [line] = found;
    expect(line).toMatchObject({
      level: 30,
      req: { id: 'request-log-spec-1', method: 'GET', url: '/api/v1/request-log-probe?x=1' },
      requestId: 'request-log-spec-1',
      res: {
        statusCode: 404,
        headers: expect.objectContaining({ 'x-request-id': 'request-log-spec-1' }),
      },
      msg: 'request completed',
    });
    expect(Object.keys(line.req).sort()).toEqual(['id', 'method', 'url']);
    expect(typeof line.responseTime).toBe('number');
  });

  it('logs a request refused by the executor secret check before any route', async () => {
    const response = await sut.inject({ method: 'GET', url: '/v1/runtimes' });
    await settle();

    expect(response.statusCode).toBe(401);
    expect(requestLines('/v1/runtimes').map((line) => line.res.statusCode)).toEqual([401]);
  });

  it('gives what is logged while a request is handled its request and request id', async () => {
    const email = uniqueEmail('request-log');
    const registered = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: TEST_PASSWORD, name: 'R' },
    });
    const session = registered.json<Session>();
    const refresh = (id: string) =>
      sut.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { 'x-request-id': id },
        payload: { refresh_token: session.refresh_token },
      });
    await refresh('request-log-spec-refresh');
    await refresh('request-log-spec-reuse');
    await settle();

    const reuse = parsed().find(
      (line) => typeof line.msg === 'string' && line.msg.includes('refresh token was reused'),
    );
    expect(reuse).toMatchObject({
      req: { id: 'request-log-spec-reuse', method: 'POST', url: '/api/v1/auth/refresh' },
      requestId: 'request-log-spec-reuse',
    });
    expect(reuse).not.toHaveProperty('res');
  });
});
