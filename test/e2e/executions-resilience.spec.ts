import { randomBytes } from 'node:crypto';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import {
  spawnRuncell,
  stopProcess,
  waitForHttp,
  workerProcessEnv,
} from '../support/runcell-process';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser } from '../support/users';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

async function waitForSandbox(executionId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = await docker.listContainers({ 'runcell.execution-id': executionId });
    if (found.some((container) => container.state === 'running')) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no running sandbox for ${executionId}`);
}

describe('execution resilience (real worker processes)', () => {
  it('retries the execution of a worker killed mid-run (kill -9) and finishes it, leaving nothing running', async () => {
    const queuePrefix = `test-${randomBytes(4).toString('hex')}`;
    const shared = {
      QUEUE_PREFIX: queuePrefix,
      QUEUE_LOCK_MS: '2000',
      RATE_LIMITS_ENABLED: 'false',
    };
    const api = await startTestApp(testConfig({ ...shared, APP_ROLE: 'api' }));
    const workerEnv = () => workerProcessEnv(shared);
    const firstEnv = await workerEnv();
    const first = spawnRuncell(firstEnv);
    let second: ReturnType<typeof spawnRuncell> | undefined;
    try {
      await waitForHttp(`http://127.0.0.1:${firstEnv.URT_PORT}/health`, first);
      const user = await registerUser(api);
      const task = await createTaskFor(api, user, 'sleep 4; echo survived', {
        script_type: 'bash',
      });
      const execution = await startExecution(api, user, task.id);
      await waitForExecution(
        api,
        user,
        execution.id,
        (current) => current.status === 'running',
        30_000,
      );
      await waitForSandbox(execution.id);
      await stopProcess(first, 'SIGKILL');
      // The dead worker's sandbox is still there: the retry must clear it.
      expect(await docker.listContainers({ 'runcell.execution-id': execution.id })).toHaveLength(1);

      const secondEnv = await workerEnv();
      second = spawnRuncell(secondEnv);
      const done = await waitForExecution(api, user, execution.id, undefined, 60_000);
      expect(done).toMatchObject({ status: 'completed', stdout: 'survived\n', exit_code: 0 });
      expect(done.attempt).toBeGreaterThanOrEqual(2);
      expect(await docker.listContainers({ 'runcell.execution-id': execution.id })).toEqual([]);
    } finally {
      await stopProcess(first, 'SIGKILL');
      if (second) await stopProcess(second);
      await api.close();
    }
  }, 120_000);

  it("does not let one user's flood of 200 executions delay another user's single one beyond the cap", async () => {
    const sut = await startTestApp(
      testConfig({ RATE_LIMITS_ENABLED: 'false', WORKER_CONCURRENCY: '4', USER_RUNNING_CAP: '2' }),
    );
    try {
      const flooder = await registerUser(sut, 'Flooder');
      const patient = await registerUser(sut, 'Patient');
      const floodTask = await createTaskFor(sut, flooder, 'sleep 1', { script_type: 'bash' });
      for (let index = 0; index < 200; index++) await startExecution(sut, flooder, floodTask.id);

      const single = await createTaskFor(sut, patient, 'print("my turn")');
      const mine = await startExecution(sut, patient, single.id);
      const done = await waitForExecution(sut, patient, mine.id, undefined, 60_000);
      expect(done).toMatchObject({ status: 'completed', stdout: 'my turn\n' });
      // Two of the flood run at a time: most of it is still waiting when the single one is done.
      const flood = (
        await sut.inject({
          method: 'GET',
          url: `/api/v1/tasks/${floodTask.id}/executions?limit=100`,
          headers: flooder.auth,
        })
      ).json();
      const finishedFlood = flood.executions.filter(
        (execution: { status: string }) => execution.status === 'completed',
      );
      expect(finishedFlood.length).toBeLessThan(40);
      expect(done.queue_ms).toBeLessThan(15_000);

      const cleanup = await sut.inject({
        method: 'DELETE',
        url: `/api/v1/tasks/${floodTask.id}?force=true`,
        headers: flooder.auth,
      });
      expect(cleanup.statusCode).toBe(204);
    } finally {
      await sut.close();
    }
  }, 180_000);
});
