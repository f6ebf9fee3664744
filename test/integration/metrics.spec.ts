import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShutdownState } from '../../src/common/lifecycle/shutdown-state';
import { startTestApp } from '../support/test-app';

describe('metrics and draining', () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('GET /metrics counts HTTP requests by route pattern and status in the Prometheus format', async () => {
    await sut.inject({ method: 'GET', url: '/health' });
    await sut.inject({ method: 'GET', url: '/health' });
    await sut.inject({ method: 'GET', url: '/no/such/route' });
    const response = await sut.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain(
      'runcell_http_requests_total{method="GET",route="/health",status="200"} 2',
    );
    expect(response.body).toMatch(
      /runcell_http_requests_total\{method="GET",route="[^"]*",status="404"\} 1/,
    );
    expect(response.body).toContain('runcell_process_resident_memory_bytes');
    expect(response.body).toContain('# TYPE runcell_runtime_cold_start_duration_seconds histogram');
  });

  it('turns readiness into 503 as soon as draining starts, while liveness stays 200', async () => {
    expect((await sut.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    sut.get(ShutdownState).begin('test');
    const ready = await sut.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Not ready: shutting down',
    });
    expect((await sut.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
