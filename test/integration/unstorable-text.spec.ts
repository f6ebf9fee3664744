import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { uniqueEmail, TEST_PASSWORD } from '../support/auth-helpers';
import { createTaskFor } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

/** Text PostgreSQL cannot store, anywhere in a request: 400 VALIDATION_FAILED, never a 500. */
describe('NUL characters and unpaired surrogates in requests (real Postgres)', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let taskId: string;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false', APP_ROLE: 'api' }));
    alice = await registerUser(sut, 'Alice');
    taskId = (await createTaskFor(sut, alice, 'print(1)')).id;
  });

  afterAll(async () => {
    await sut.close();
  });

  const validTask = { name: 'task', script_content: 'print(1)', script_type: 'python' };

  const cases: Array<[string, string, () => string, (bad: string) => Record<string, unknown>]> = [
    [
      'register name',
      'POST',
      () => '/api/v1/auth/register',
      (bad) => ({
        email: uniqueEmail(),
        password: TEST_PASSWORD,
        name: bad,
      }),
    ],
    [
      'login password',
      'POST',
      () => '/api/v1/auth/login',
      (bad) => ({
        email: uniqueEmail(),
        password: `${TEST_PASSWORD}${bad}`,
      }),
    ],
    ['task name', 'POST', () => '/api/v1/tasks', (bad) => ({ ...validTask, name: bad })],
    [
      'task description',
      'POST',
      () => '/api/v1/tasks',
      (bad) => ({
        ...validTask,
        description: bad,
      }),
    ],
    [
      'task script',
      'POST',
      () => '/api/v1/tasks',
      (bad) => ({ ...validTask, script_content: bad }),
    ],
    [
      'task metadata value',
      'POST',
      () => '/api/v1/tasks',
      (bad) => ({
        ...validTask,
        metadata: { nested: { deeper: [bad] } },
      }),
    ],
    [
      'task metadata key',
      'POST',
      () => '/api/v1/tasks',
      (bad) => ({
        ...validTask,
        metadata: { [bad]: 1 },
      }),
    ],
    ['task update', 'PUT', () => `/api/v1/tasks/${taskId}`, (bad) => ({ name: bad })],
    [
      'execution stdin',
      'POST',
      () => `/api/v1/tasks/${taskId}/executions`,
      (bad) => ({
        stdin: bad,
      }),
    ],
    [
      'execution env value',
      'POST',
      () => `/api/v1/tasks/${taskId}/executions`,
      (bad) => ({
        env: { NAME: bad },
      }),
    ],
  ];

  describe.each([
    ['a NUL character', NUL],
    ['an unpaired surrogate', LONE_SURROGATE],
  ])('%s', (_label, bad) => {
    it.each(cases)('in the %s is 400 VALIDATION_FAILED', async (_field, method, url, body) => {
      const response = await sut.inject({
        method: method as 'POST' | 'PUT',
        url: url(),
        headers: alice.auth,
        payload: body(bad),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    });
  });

  it('in the search query q is 400 VALIDATION_FAILED', async () => {
    const response = await sut.inject({
      method: 'GET',
      url: '/api/v1/tasks?q=a%00b',
      headers: alice.auth,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'q', message: expect.stringContaining('NUL') }],
    });
  });

  it('refuses JSON nested deeper than any field takes with 400, not a stack overflow', async () => {
    const depth = 50_000;
    const response = await sut.inject({
      method: 'PUT',
      url: `/api/v1/tasks/${taskId}`,
      headers: { ...alice.auth, 'content-type': 'application/json' },
      payload: `{"metadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ message: expect.stringContaining('nested more than') }],
    });
  });

  it('still stores ordinary non-ASCII text, emoji included', async () => {
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: alice.auth,
      payload: { ...validTask, name: 'Zoë 🚀 日本', metadata: { ключ: 'значение 😀' } },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Zoë 🚀 日本',
      metadata: { ключ: 'значение 😀' },
    });
  });
});
