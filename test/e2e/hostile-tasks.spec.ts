import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { LABEL_EXECUTION_ID, sandboxName } from '../../src/executions/sandbox';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';
import { SANDBOX_PATHS } from './sandbox-harness';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

/** The sandbox of an execution: labelled with it (cold) or named after it (claimed warm one). */
async function sandboxesOf(instanceId: string, executionId: string) {
  const found = await docker.listContainers({ 'runcell.instance': instanceId });
  return found.filter(
    (container) =>
      container.labels[LABEL_EXECUTION_ID] === executionId ||
      container.name === sandboxName(executionId),
  );
}

interface HostileCase {
  name: string;
  scriptType: 'python' | 'javascript' | 'bash';
  script: string;
  task?: Record<string, unknown>;
  expect: (execution: Record<string, unknown>) => void;
}

/**
 * Hostile programs stored and run as real tasks, through the API, the queue, the worker and the
 * sandbox: each ends with the right status and leaves no container behind, while an ordinary
 * task of another user runs normally next to them. (The runner-level suite in
 * sandbox-hostile.spec.ts covers each attack in more depth.)
 */
const CASES: HostileCase[] = [
  {
    name: 'fork bomb',
    scriptType: 'bash',
    script: 'bomb() { bomb | bomb & }; bomb; sleep 30',
    task: { timeout_seconds: 3 },
    expect: (execution) => expect(execution.status).toBe('timeout'),
  },
  {
    name: 'memory bomb',
    scriptType: 'python',
    script: 'hog = []\nwhile True:\n    hog.append(bytearray(8 * 1024 * 1024))',
    task: { memory_mb: 64 },
    expect: (execution) => expect(execution.status).toBe('failed'),
  },
  {
    name: 'CPU spin past the timeout',
    scriptType: 'javascript',
    script: 'for (;;) {}',
    task: { timeout_seconds: 2 },
    expect: (execution) => {
      expect(execution.status).toBe('timeout');
      expect(execution.run_ms).toBeLessThan(6000);
    },
  },
  {
    name: '100 MiB of output',
    scriptType: 'bash',
    script: 'head -c 104857600 /dev/zero | tr "\\0" a',
    expect: (execution) => {
      expect(execution.status).toBe('completed');
      expect(execution.stdout_truncated).toBe(true);
      expect((execution.stdout as string).length).toBe(1024 * 1024);
    },
  },
  {
    name: 'writing outside /tmp and reading host secrets',
    scriptType: 'bash',
    script: [
      '(echo x > /etc/passwd) 2>/dev/null && echo WROTE || echo write-denied',
      'cat /etc/shadow >/dev/null 2>&1 && echo READ || echo read-denied',
      'tr "\\0" "\\n" < /proc/1/environ | grep -c DATABASE_URL || true',
    ].join('\n'),
    expect: (execution) => {
      expect(execution.status).toBe('completed');
      expect(execution.stdout).toBe('write-denied\nread-denied\n0\n');
    },
  },
  {
    name: 'network access',
    scriptType: 'python',
    script: [
      'import os, socket',
      'print(sorted(os.listdir("/sys/class/net")))',
      'for host, port in [("127.0.0.1", 6379), ("127.0.0.1", 5432), ("172.17.0.1", 6379)]:',
      '    try:',
      '        socket.create_connection((host, port), timeout=2).close()',
      '        print("CONNECTED")',
      '    except OSError:',
      '        print("refused")',
    ].join('\n'),
    expect: (execution) => {
      expect(execution.status).toBe('completed');
      expect(execution.stdout).toBe("['lo']\nrefused\nrefused\nrefused\n");
    },
  },
  {
    name: 'a background sleeper after the main process exits',
    scriptType: 'bash',
    script: '(sleep 300 &) ; echo main done',
    expect: (execution) => {
      expect(execution).toMatchObject({ status: 'completed', stdout: 'main done\n' });
      expect(execution.run_ms).toBeLessThan(10_000);
    },
  },
];

describe.each(SANDBOX_PATHS)(
  'hostile code run as real tasks (API → queue → worker → sandbox, %s)',
  (_path, poolEnv) => {
    let sut: NestFastifyApplication;
    let attacker: TestUser;
    let bystander: TestUser;
    const config = testConfig({
      RATE_LIMITS_ENABLED: 'false',
      WORKER_CONCURRENCY: '4',
      USER_RUNNING_CAP: '10',
      ...poolEnv,
    });
    const instanceId = config.docker.instanceId;
    const pooled = config.executions.sandboxPool.size > 0;

    /** A warm sandbox is removed after its run, off the execution's path: give it 5 s. */
    async function sandboxesLeft(executionId: string) {
      const deadline = Date.now() + (pooled ? 5000 : 0);
      let left = await sandboxesOf(instanceId, executionId);
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 50));
        left = await sandboxesOf(instanceId, executionId);
      }
      return left;
    }

    beforeAll(async () => {
      sut = await startTestApp(config);
      attacker = await registerUser(sut, 'Attacker');
      bystander = await registerUser(sut, 'Bystander');
    });

    afterAll(async () => {
      await sut.close();
    });

    it('contains every case, while another user’s ordinary task completes', async () => {
      const started = [];
      for (const hostile of CASES) {
        const task = await createTaskFor(sut, attacker, hostile.script, {
          script_type: hostile.scriptType,
          ...hostile.task,
        });
        started.push({ hostile, execution: await startExecution(sut, attacker, task.id) });
      }
      const ordinary = await createTaskFor(sut, bystander, 'print(sum(range(10)))');
      const neighbour = await startExecution(sut, bystander, ordinary.id);

      for (const { hostile, execution } of started) {
        const done = await waitForExecution(sut, attacker, execution.id, undefined, 120_000);
        try {
          hostile.expect(done);
        } catch (error) {
          throw new Error(`${hostile.name}: ${(error as Error).message}`, { cause: error });
        }
        expect(await sandboxesLeft(execution.id)).toEqual([]);
      }
      const neighbourDone = await waitForExecution(sut, bystander, neighbour.id);
      expect(neighbourDone).toMatchObject({ status: 'completed', stdout: '45\n' });
    }, 180_000);

    it('cancels a running task that ignores SIGTERM within 2 s', async () => {
      const task = await createTaskFor(
        sut,
        attacker,
        'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    time.sleep(1)',
      );
      const execution = await startExecution(sut, attacker, task.id);
      await waitForExecution(
        sut,
        attacker,
        execution.id,
        (current) => current.status === 'running',
      );
      while (!(await sandboxesOf(instanceId, execution.id)).some((c) => c.state === 'running')) {
        await new Promise((done) => setTimeout(done, 50));
      }
      const cancelledAt = Date.now();
      const response = await sut.inject({
        method: 'DELETE',
        url: `/api/v1/executions/${execution.id}`,
        headers: attacker.auth,
      });
      expect(response.json().status).toBe('cancelled');
      while ((await sandboxesOf(instanceId, execution.id)).length > 0) {
        expect(Date.now() - cancelledAt).toBeLessThan(2000);
        await new Promise((done) => setTimeout(done, 50));
      }
    });

    it('runs them in warm sandboxes when the pool is on, and only then', async () => {
      const metrics = (await sut.inject({ method: 'GET', url: '/metrics' })).body;
      const hits = [
        ...metrics.matchAll(/^runcell_sandbox_pool_hits_total\{[^}]*\} (\d+)$/gm),
      ].reduce((total, match) => total + Number(match[1]), 0);
      if (pooled) expect(hits).toBeGreaterThan(0);
      else expect(hits).toBe(0);
    });
  },
);
