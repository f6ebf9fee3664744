import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { LABEL_POOL } from '../../src/executions/sandbox/pooled-sandbox';
import { OrphanSandboxesJob } from '../../src/executions/sandbox/orphan-sandboxes.job';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';
import { POOLED_SANDBOX_ENV } from './sandbox-harness';

/** The warm pool inside the whole application: health, metrics, maintenance, shutdown. */
describe('Sandbox pool in the application (real Docker)', () => {
  const config = testConfig({ RATE_LIMITS_ENABLED: 'false', ...POOLED_SANDBOX_ENV });
  const docker = new DockerContainerEngine({ host: config.docker.host });
  const instance = { 'runcell.instance': config.docker.instanceId };
  let sut: NestFastifyApplication;
  let user: TestUser;
  let closed = false;

  async function poolShown(): Promise<Record<string, number> | null> {
    const body = (await sut.inject({ method: 'GET', url: '/health/workers' })).json();
    return body.workers[0]?.sandbox_pool ?? null;
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`Still ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    sut = await startTestApp(config);
    user = await registerUser(sut, 'Pool user');
  });

  afterAll(async () => {
    if (!closed) await sut?.close();
  });

  it('shows the pool per language in /health/workers once it is warm', async () => {
    const full = { python: 1, javascript: 1, bash: 1 };
    // The heartbeat publishes every 5 s: wait for the containers, then for the beat.
    await until(
      () => docker.listContainers({ ...instance, [LABEL_POOL]: true }),
      (found) => found.filter((c) => c.state === 'running').length === 3,
    );
    await expect(
      until(poolShown, (shown) => JSON.stringify(shown) === JSON.stringify(full)),
    ).resolves.toEqual(full);
  });

  it('runs a task in a warm sandbox and counts the hit in /metrics', async () => {
    const task = await createTaskFor(sut, user, 'import os\nprint(os.environ["WHO"])');
    const execution = await startExecution(sut, user, task.id, { env: { WHO: 'pooled' } });
    const done = await waitForExecution(sut, user, execution.id);
    expect(done).toMatchObject({ status: 'completed', stdout: 'pooled\n' });
    const metrics = (await sut.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^runcell_sandbox_pool_hits_total\{language="python"\} 1$/m);
    expect(metrics).toMatch(/^runcell_sandbox_pool_size\{language="bash"\} 1$/m);
    expect(metrics).toMatch(
      /^runcell_sandbox_pool_refill_seconds_count\{language="python"\} \d+$/m,
    );
  });

  it('keeps its live warm containers through the orphan sweep', async () => {
    await until(
      () => docker.listContainers({ ...instance, [LABEL_POOL]: true }),
      (found) =>
        found.filter((c) => c.state === 'running' && c.name.startsWith('runcell-pool-')).length ===
        3,
    );
    const before = await docker.listContainers({ ...instance, [LABEL_POOL]: true });
    expect(await sut.get(OrphanSandboxesJob).removeOrphans(0)).toEqual([]);
    const after = await docker.listContainers({ ...instance, [LABEL_POOL]: true });
    expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
  });

  it('removes every warm container when the application shuts down', async () => {
    expect((await docker.listContainers(instance)).length).toBeGreaterThan(0);
    closed = true;
    await sut.close();
    expect(await docker.listContainers(instance)).toEqual([]);
  });
});
