import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startTestApp, testConfig } from '../support/test-app';

describe('health routes (real Postgres, Redis, Docker)', () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('GET /health answers 200 with status, uptime and version', async () => {
    const response = await sut.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      status: 'ok',
      uptime_seconds: expect.any(Number),
      version: expect.any(String),
    });
  });

  it('GET /ready answers 200 naming database, Redis, Docker and storage as up', async () => {
    const response = await sut.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: { database: 'up', redis: 'up', docker: 'up', storage: 'up' },
    });
  });

  it('GET /v1/health answers OK as text/plain', async () => {
    const response = await sut.inject({ method: 'GET', url: '/v1/health' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('OK');
    expect(response.headers['content-type']).toBe('text/plain; charset=UTF-8');
  });

  it('every response carries a request id, echoing a sane one sent by the client', async () => {
    const echoed = await sut.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const replaced = await sut.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\n<script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unknown route is a 404 in the error catalogue format', async () => {
    const response = await sut.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: { 'x-request-id': 'r-1' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: 'Route GET /api/v1/nothing-here not found',
        request_id: 'r-1',
      },
    });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await sut.inject({ method: 'GET', url: '/docs-json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().paths).toHaveProperty('/ready');
    const ui = await sut.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
  });
});

describe('readiness with dependencies down', () => {
  it('names Redis and Docker when they cannot be reached, while /health stays 200', async () => {
    const sut = await startTestApp(
      testConfig({
        REDIS_URL: 'redis://127.0.0.1:1/0',
        DOCKER_HOST: 'unix:///tmp/runcell-no-docker.sock',
      }),
    );
    try {
      const ready = await sut.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      const body = ready.json();
      expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.error.message).toBe('Not ready: redis, docker unavailable');
      expect(body.error.details.map((detail: { field: string }) => detail.field)).toEqual([
        'redis',
        'docker',
      ]);
      const live = await sut.inject({ method: 'GET', url: '/health' });
      expect(live.statusCode).toBe(200);
    } finally {
      await sut.close();
    }
  });
});
