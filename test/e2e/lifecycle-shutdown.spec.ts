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
const EXECUTIONS = 20;

describe('graceful shutdown of a worker process (e2e)', () => {
  it('SIGTERM during 20 executions: in-flight ones finish, the rest stay queued, none is lost', async () => {
    const shared = {
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      RATE_LIMITS_ENABLED: 'false',
      USER_RUNNING_CAP: '50',
    };
    const api = await startTestApp(testConfig({ ...shared, APP_ROLE: 'api' }));
    const workerEnv = () => workerProcessEnv(shared, { WORKER_CONCURRENCY: '4' });
    const firstEnv = await workerEnv();
    const first = spawnRuncell(firstEnv);
    let second: ReturnType<typeof spawnRuncell> | undefined;
    try {
      await waitForHttp(`http://127.0.0.1:${firstEnv.URT_PORT}/health`, first, 60_000);
      const user = await registerUser(api);
      const task = await createTaskFor(api, user, 'sleep 2; echo finished', {
        script_type: 'bash',
      });
      const ids: string[] = [];
      for (let index = 0; index < EXECUTIONS; index++) {
        ids.push(((await startExecution(api, user, task.id)) as { id: string }).id);
      }
      await waitForExecution(api, user, ids[0], (current) => current.status === 'running', 30_000);

      await stopProcess(first, 'SIGTERM');

      // Nest re-raises the signal once its shutdown hooks are done.
      expect(String(first.signalCode ?? first.exitCode)).toMatch(/^(SIGTERM|0)$/);
      const afterStop = await Promise.all(
        ids.map((id) => waitForExecution(api, user, id, () => true, 5_000)),
      );
      const statuses = afterStop.map((execution) => execution.status as string);
      expect(statuses.filter((status) => status === 'running')).toEqual([]);
      expect(statuses.filter((status) => status === 'completed').length).toBeGreaterThan(0);
      for (const id of ids) {
        expect(await docker.listContainers({ 'runcell.execution-id': id })).toEqual([]);
      }

      const secondEnv = await workerEnv();
      second = spawnRuncell(secondEnv);
      const done = await Promise.all(
        ids.map((id) => waitForExecution(api, user, id, undefined, 120_000)),
      );
      expect(done.map((execution) => execution.status)).toEqual(
        Array<string>(EXECUTIONS).fill('completed'),
      );
      expect(done.every((execution) => execution.stdout === 'finished\n')).toBe(true);
    } finally {
      await stopProcess(first, 'SIGKILL');
      if (second) await stopProcess(second);
      await api.close();
    }
  }, 240_000);
});
