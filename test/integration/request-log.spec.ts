import type { NestFastifyApplication } from '@nestjs/platform-fastify';
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
});
