import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register, TEST_PASSWORD, uniqueEmail } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const FLOOD = 150;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

function login(app: NestFastifyApplication, email: string, password: string, address: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: address,
    payload: { email, password },
  });
}

/** Password spraying and login floods (real Redis counters, real argon2). */
describe('a flood of sign-ins', () => {
  let sut: NestFastifyApplication;
  let bystander: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        RATE_LIMIT_LOGIN_ADDRESS: '20/900',
        RATE_LIMIT_REGISTER: '100/3600',
        PASSWORD_HASH_CONCURRENCY: '1',
        PASSWORD_HASH_QUEUE: '8',
      }),
    );
    bystander = await registerUser(sut, 'Bystander');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('limits one address trying many emails, whatever the emails', async () => {
    const address = '198.51.100.7';
    const answers = [];
    for (let index = 0; index < 30; index++) {
      answers.push((await login(sut, uniqueEmail(), 'wrong password', address)).statusCode);
    }
    expect(answers.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(new Set(answers.slice(20))).toEqual(new Set([429]));
    const user = await register(sut, {}, '198.51.100.8');
    const blocked = await login(sut, user.user.email, TEST_PASSWORD, address);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  it(`keeps /health and other routes fast during ${FLOOD} logins from many addresses`, async () => {
    const flood = Array.from({ length: FLOOD }, (_, index) =>
      login(sut, uniqueEmail(), 'wrong password', `10.9.${Math.floor(index / 250)}.${index % 250}`),
    );
    const health = await timed(() => sut.inject({ method: 'GET', url: '/health' }));
    const tasks = await timed(() =>
      sut.inject({ method: 'GET', url: '/api/v1/tasks', headers: bystander.auth }),
    );
    const statuses = (await Promise.all(flood)).map((response) => response.statusCode);

    expect(health.value.statusCode).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    expect(tasks.value.statusCode).toBe(200);
    expect(tasks.ms).toBeLessThan(1000);
    // 1 computing and 8 waiting at a time: most of the flood is turned away at once, not queued.
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(FLOOD / 2);
    expect(new Set(statuses)).toEqual(new Set([401, 503]));
  });

  it('signs in normally once the flood is over', async () => {
    const user = await register(sut, {}, '198.51.100.9');
    const response = await login(sut, user.user.email, TEST_PASSWORD, '198.51.100.9');
    expect(response.statusCode).toBe(200);
  });
});
