import { getQueueToken } from '@nestjs/bullmq';
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { ShutdownState } from '../../src/common/lifecycle/shutdown-state';
import { EXECUTIONS_QUEUE } from '../../src/executions/queue/execution-queue.constants';
import { runcellLabels } from '../../src/container-engine';
import { LABEL_EXECUTION_ID } from '../../src/executions/sandbox/sandbox-container.factory';
import { advisoryLockKey } from '../../src/maintenance/advisory-lock';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import { OrphanSandboxesJob } from '../../src/executions/sandbox/orphan-sandboxes.job';
import { createTaskFor, startExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

/** An API-only instance: executions stay queued, so the test decides what happens to them. */
describe('maintenance jobs against Postgres and Redis', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let dataSource: DataSource;
  let queue: Queue;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ APP_ROLE: 'api', RATE_LIMITS_ENABLED: 'false' }));
    alice = await registerUser(sut, 'Alice');
    dataSource = sut.get(DataSource);
    queue = sut.get<Queue>(getQueueToken(EXECUTIONS_QUEUE));
  });

  afterAll(async () => {
    await sut.close();
  });

  async function stuckRunning(executionId: string): Promise<void> {
    await dataSource.query(
      `UPDATE executions SET status = 'running', attempt = 1, started_at = now() - interval '5 minutes'
        WHERE id = $1`,
      [executionId],
    );
  }

  async function row(executionId: string): Promise<{ status: string; error: string | null }> {
    const [found] = await dataSource.query<{ status: string; error: string | null }[]>(
      'SELECT status, error FROM executions WHERE id = $1',
      [executionId],
    );
    return found;
  }

  it('requeues a running execution whose job the queue lost', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const execution = (await startExecution(sut, alice, task.id)) as { id: string };
    await stuckRunning(execution.id);
    await queue.remove(execution.id);

    const report = await sut.get(MaintenanceService).recoverStuckExecutions();

    expect(report?.requeued).toContain(execution.id);
    expect(await row(execution.id)).toMatchObject({ status: 'pending' });
    expect(await (await queue.getJob(execution.id))?.getState()).toBe('prioritized');
  });

  it('fails a running execution whose job failed, with the reason', async () => {
    const task = await createTaskFor(sut, alice, 'print(2)');
    const execution = (await startExecution(sut, alice, task.id)) as { id: string };
    await stuckRunning(execution.id);
    const failing = new Worker(
      queue.name,
      () => Promise.reject(new UnrecoverableError('worker vanished')),
      { connection: queue.opts.connection, prefix: queue.opts.prefix, autorun: true },
    );
    try {
      for (let waited = 0; waited < 10_000; waited += 100) {
        if ((await (await queue.getJob(execution.id))?.getState()) === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await failing.close();
    }

    const report = await sut.get(MaintenanceService).recoverStuckExecutions();

    expect(report?.failed).toContain(execution.id);
    expect(await row(execution.id)).toEqual({
      status: 'failed',
      error: "The execution's job failed: worker vanished",
    });
    const taskNow = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
    });
    expect(taskNow.json().status).toBe('failed');
  });

  it('leaves a young running execution alone', async () => {
    const task = await createTaskFor(sut, alice, 'print(3)');
    const execution = (await startExecution(sut, alice, task.id)) as { id: string };
    await dataSource.query(
      `UPDATE executions SET status = 'running', attempt = 1, started_at = now() WHERE id = $1`,
      [execution.id],
    );
    await queue.remove(execution.id);

    const report = await sut.get(MaintenanceService).recoverStuckExecutions();

    expect(report?.requeued).not.toContain(execution.id);
    expect(await row(execution.id)).toMatchObject({ status: 'running' });
  });

  describe('execution retention (EXECUTION_RETENTION_DAYS, default 30)', () => {
    async function finishedDaysAgo(taskId: string, days: number | null): Promise<string> {
      const execution = (await startExecution(sut, alice, taskId)) as { id: string };
      await queue.remove(execution.id);
      await dataSource.query(
        days === null
          ? `UPDATE executions SET status = 'running', started_at = now() - interval '40 days',
               created_at = now() - interval '40 days' WHERE id = $1`
          : `UPDATE executions SET status = 'completed', stdout = 'secret output',
               completed_at = now() - make_interval(days => $2), created_at = now() - interval '40 days'
             WHERE id = $1`,
        days === null ? [execution.id] : [execution.id, days],
      );
      return execution.id;
    }

    async function exists(executionId: string): Promise<boolean> {
      const response = await sut.inject({
        method: 'GET',
        url: `/api/v1/executions/${executionId}`,
        headers: alice.auth,
      });
      return response.statusCode === 200;
    }

    it('deletes finished executions past the retention, output included, and keeps the rest', async () => {
      const task = await createTaskFor(sut, alice, 'print(1)');
      const old = await finishedDaysAgo(task.id, 31);
      const recent = await finishedDaysAgo(task.id, 29);
      const active = await finishedDaysAgo(task.id, null);
      const latest = await finishedDaysAgo(task.id, 45);

      const deleted = await sut.get(MaintenanceService).purgeOldExecutions();

      expect(deleted).toBeGreaterThanOrEqual(2);
      expect(await exists(old)).toBe(false);
      expect(await exists(latest)).toBe(false);
      expect(await exists(recent)).toBe(true);
      expect(await exists(active)).toBe(true);
      const [gone] = await dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM executions WHERE id = ANY($1)',
        [[old, latest]],
      );
      expect(gone.count).toBe(0);
      const taskNow = await sut.inject({
        method: 'GET',
        url: `/api/v1/tasks/${task.id}`,
        headers: alice.auth,
      });
      expect(taskNow.statusCode).toBe(200);
      expect(taskNow.json().last_execution_id).toBeNull();
    });

    it('runs on one replica at a time, under its advisory lock', async () => {
      const task = await createTaskFor(sut, alice, 'print(1)');
      const old = await finishedDaysAgo(task.id, 31);
      const holder = dataSource.createQueryRunner();
      await holder.connect();
      try {
        const key = advisoryLockKey('maintenance:execution-retention');
        await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
        expect(await sut.get(MaintenanceService).purgeOldExecutions()).toBeNull();
        expect(await exists(old)).toBe(true);
        await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      } finally {
        await holder.release();
      }
      expect(await sut.get(MaintenanceService).purgeOldExecutions()).toBeGreaterThanOrEqual(1);
      expect(await exists(old)).toBe(false);
    });
  });

  it('refuses new task executions while draining', async () => {
    const task = await createTaskFor(sut, alice, 'print(4)');
    const shutdown = sut.get(ShutdownState);
    shutdown.begin('test');

    const response = await sut.inject({
      method: 'POST',
      url: `/api/v1/tasks/${task.id}/executions`,
      headers: alice.auth,
      payload: {},
    });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

describe('orphaned sandbox sweep', () => {
  it("removes this instance's sandbox whose execution is not running", async () => {
    const config = testConfig({ APP_ROLE: 'worker' });
    const sut = await startTestApp(config);
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const orphan = await docker.createContainer({
      Image: 'runcell/base:bookworm',
      Cmd: ['sleep', '300'],
      Labels: {
        ...runcellLabels(config.docker.instanceId, 'sandbox'),
        [LABEL_EXECUTION_ID]: randomUUID(),
      },
    });
    try {
      const removed = await sut.get(OrphanSandboxesJob).removeOrphans(0);

      expect(removed).toHaveLength(1);
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await orphan.remove({ force: true }).catch(() => undefined);
      await sut.close();
    }
  });
});
