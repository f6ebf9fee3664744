import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { bearer, register, TEST_PASSWORD, uniqueEmail } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

/** A fresh client address per test, so tests do not share per-IP counters. */
function uniqueIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

describe('rate limits shared by two instances through one Redis', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    const shared = {
      QUEUE_PREFIX: `test-rl-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_REGISTER: '2/3600',
      RATE_LIMIT_LOGIN: '2/900',
      RATE_LIMIT_REFRESH: '2/3600',
      RATE_LIMIT_USER: '3/3600',
    };
    first = await startTestApp(testConfig(shared));
    second = await startTestApp(testConfig(shared));
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  function expectRateLimited(
    response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    windowSeconds: number,
  ): void {
    expect(response.statusCode).toBe(429);
    expect(response.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.any(String), request_id: expect.any(String) },
    });
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  }

  it("register: the second instance sees the first one's count per IP", async () => {
    const ip = uniqueIp();
    await register(first, {}, ip);
    await register(second, {}, ip);
    const third = await first.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress: ip,
      payload: { email: uniqueEmail(), password: TEST_PASSWORD, name: 'Third' },
    });
    expectRateLimited(third, 3600);
    const otherIp = await register(second, {}, uniqueIp());
    expect(otherIp.user.email).toContain('@example.com');
  });

  it('login: counted per IP and email across instances', async () => {
    const ip = uniqueIp();
    const email = uniqueEmail();
    await register(first, { email }, uniqueIp());
    const attempt = (app: NestFastifyApplication, from: string, as: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: from,
        payload: { email: as, password: 'wrong password' },
      });
    expect((await attempt(first, ip, email)).statusCode).toBe(401);
    expect((await attempt(second, ip, email.toUpperCase())).statusCode).toBe(401);
    expectRateLimited(await attempt(second, ip, email), 900);
    expect((await attempt(first, ip, uniqueEmail())).statusCode).toBe(401);
    expect((await attempt(first, uniqueIp(), email)).statusCode).toBe(401);
  });

  it('refresh: counted per IP across instances', async () => {
    const ip = uniqueIp();
    const refresh = (app: NestFastifyApplication) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        remoteAddress: ip,
        payload: { refresh_token: 'not-a-token' },
      });
    expect((await refresh(first)).statusCode).toBe(401);
    expect((await refresh(second)).statusCode).toBe(401);
    expectRateLimited(await refresh(first), 3600);
  });

  it('authenticated routes: counted per user across instances and client addresses', async () => {
    const alice = await register(first, {}, uniqueIp());
    const bob = await register(first, {}, uniqueIp());
    const me = (app: NestFastifyApplication, token: string) =>
      app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        remoteAddress: uniqueIp(),
        headers: bearer(token),
      });
    expect((await me(first, alice.access_token)).statusCode).toBe(200);
    expect((await me(second, alice.access_token)).statusCode).toBe(200);
    expect((await me(first, alice.access_token)).statusCode).toBe(200);
    expectRateLimited(await me(second, alice.access_token), 3600);
    expect((await me(second, bob.access_token)).statusCode).toBe(200);
  });

  it('never limits the public health routes', async () => {
    for (let call = 0; call < 5; call += 1) {
      expect((await first.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    }
  });
});

describe('RATE_LIMITS_ENABLED=false', () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({ RATE_LIMITS_ENABLED: 'false', RATE_LIMIT_REFRESH: '1/3600' }),
    );
  });

  afterAll(async () => {
    await sut.close();
  });

  it('lets requests past the configured limit through', async () => {
    for (let call = 0; call < 3; call += 1) {
      const response = await sut.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: 'not-a-token' },
      });
      expect(response.statusCode).toBe(401);
    }
  });
});
