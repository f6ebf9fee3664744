import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

/** A sandbox that cannot start (here: its image is missing) is retried, then reported failed. */
describe('executions when the sandbox cannot start', () => {
  let sut: NestFastifyApplication;
  let user: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        RATE_LIMITS_ENABLED: 'false',
        SANDBOX_IMAGE_TAG: 'does-not-exist',
        EXECUTION_MAX_ATTEMPTS: '2',
      }),
    );
    user = await registerUser(sut);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('retries once more, then fails the execution and its task with the reason', async () => {
    const task = await createTaskFor(sut, user, 'print("never runs")');
    const { id } = await startExecution(sut, user, task.id);

    const done = await waitForExecution(sut, user, id);

    expect(done).toMatchObject({ status: 'failed', attempt: 2, exit_code: null, stdout: '' });
    expect(done.error).toMatch(/^Attempt 2 failed: .+/);
    const taskNow = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}`,
      headers: user.auth,
    });
    expect(taskNow.json()).toMatchObject({ status: 'failed' });
    expect(await docker.listContainers({ 'runcell.execution-id': id })).toEqual([]);
  });
});
