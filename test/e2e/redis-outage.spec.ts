import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TEST_PASSWORD } from '../support/auth-helpers';
import { createTaskFor, startExecution } from '../support/executions';
import { PrivateRedis } from '../support/private-services';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

/** Redis (a private server, stopped on purpose) down: routes needing it answer 503, quickly. */
describe('routes that need Redis while it is down', () => {
  let redis: PrivateRedis;
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let taskId: string;
  let executionId: string;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    sut = await startTestApp(testConfig({ REDIS_URL: redis.url, APP_ROLE: 'api' }));
    alice = await registerUser(sut, 'Alice');
    taskId = (await createTaskFor(sut, alice, 'print(1)')).id;
    executionId = (await startExecution(sut, alice, taskId)).id;
    await redis.stop();
  }, 60_000);

  afterAll(async () => {
    await sut.close();
    await redis.remove();
  });

  const routes: Array<[string, () => { method: 'GET' | 'POST'; url: string; payload?: object }]> = [
    [
      'sign-in',
      () => ({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: alice.email, password: TEST_PASSWORD },
      }),
    ],
    ['the current user', () => ({ method: 'GET', url: '/api/v1/auth/me' })],
    ['the task list', () => ({ method: 'GET', url: '/api/v1/tasks' })],
    [
      'a new execution',
      () => ({
        method: 'POST',
        url: `/api/v1/tasks/${taskId}/executions`,
        payload: {},
      }),
    ],
    ['the live output', () => ({ method: 'GET', url: `/api/v1/executions/${executionId}/logs` })],
  ];

  it.each(routes)('%s answers 503 SERVICE_UNAVAILABLE within 3 s', async (_name, request) => {
    const started = Date.now();
    const response = await sut.inject({ ...request(), headers: alice.auth });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('the liveness probe still answers 200', async () => {
    expect((await sut.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
