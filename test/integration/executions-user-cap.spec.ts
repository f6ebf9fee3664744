import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

describe('the per-user running cap', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({ RATE_LIMITS_ENABLED: 'false', WORKER_CONCURRENCY: '6', USER_RUNNING_CAP: '2' }),
    );
    alice = await registerUser(sut, 'Alice');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('never runs more of one user at once than the cap, with free workers, and still runs them all', async () => {
    const task = await createTaskFor(sut, alice, 'sleep 1', { script_type: 'bash' });
    const ids: string[] = [];
    for (let index = 0; index < 6; index++)
      ids.push((await startExecution(sut, alice, task.id)).id);
    let mostRunning = 0;
    for (;;) {
      const { executions } = (
        await sut.inject({
          method: 'GET',
          url: `/api/v1/tasks/${task.id}/executions`,
          headers: alice.auth,
        })
      ).json<{ executions: { status: string }[] }>();
      mostRunning = Math.max(
        mostRunning,
        executions.filter((one) => one.status === 'running').length,
      );
      if (executions.every((one) => one.status === 'completed')) break;
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(mostRunning).toBe(2);
    for (const id of ids) expect((await waitForExecution(sut, alice, id)).status).toBe('completed');
  });
});
