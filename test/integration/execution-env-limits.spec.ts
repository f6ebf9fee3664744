import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const KIB = 1024;

/** The API refuses environments the sandbox would refuse, instead of queueing a doomed run. */
describe('execution environment limits (real queue and sandbox)', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let taskId: string;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false' }));
    alice = await registerUser(sut, 'Alice');
    const script =
      'import os\nprint(sum(len(v) for k, v in os.environ.items() if k.startswith("V")))';
    taskId = (await createTaskFor(sut, alice, script)).id;
  });

  afterAll(async () => {
    await sut.close();
  });

  function post(env: Record<string, string>) {
    return sut.inject({
      method: 'POST',
      url: `/api/v1/tasks/${taskId}/executions`,
      headers: alice.auth,
      payload: { env },
    });
  }

  it('refuses an environment over 64 KiB in total with 400, even with each value in bounds', async () => {
    const env = { V1: 'x'.repeat(32 * KIB), V2: 'x'.repeat(32 * KIB), V3: 'x'.repeat(KIB) };
    const response = await post(env);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'env', message: expect.stringContaining('64 KiB in all') }],
    });
    const listed = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${taskId}/executions`,
      headers: alice.auth,
    });
    expect(listed.json().executions).toEqual([]);
  });

  it('refuses names the sandbox refuses', async () => {
    for (const name of ['1ABC', 'A-B', 'A'.repeat(129), 'É']) {
      const response = await post({ [name]: 'v' });
      expect(response.statusCode).toBe(400);
    }
  });

  it('runs an environment just under the limit', async () => {
    const env = { V1: 'x'.repeat(32 * KIB), V2: 'x'.repeat(32 * KIB - 100) };
    const created = await startExecution(sut, alice, taskId, { env });
    const done = await waitForExecution(sut, alice, created.id);
    expect(done).toMatchObject({ status: 'completed', stdout: `${64 * KIB - 100}\n` });
  });
});
