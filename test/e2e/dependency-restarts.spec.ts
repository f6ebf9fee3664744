import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { runMigrations } from '../../src/database/migrate';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { PrivatePostgres, PrivateRedis } from '../support/private-services';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser } from '../support/users';

const SLOW_TASK = 'import time\ntime.sleep(1)\nprint("done")';

async function waitForReady(app: NestFastifyApplication, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await app.inject({ method: 'GET', url: '/ready' })).statusCode !== 200) {
    if (Date.now() > deadline) throw new Error('/ready did not recover');
    await new Promise((done) => setTimeout(done, 200));
  }
}

/**
 * Dependencies restarted while executions flow: afterwards every execution reaches a terminal
 * status and readiness recovers. Each test restarts a server of its own, never the shared ones.
 */
describe('dependency restarts while executions flow', () => {
  it('Redis restarted: every execution finishes and /ready recovers', async () => {
    const redis = await PrivateRedis.start();
    const sut = await startTestApp(
      testConfig({
        REDIS_URL: redis.url,
        RATE_LIMITS_ENABLED: 'false',
        WORKER_CONCURRENCY: '3',
        QUEUE_LOCK_MS: '3000',
      }),
    );
    try {
      const user = await registerUser(sut);
      const task = await createTaskFor(sut, user, SLOW_TASK);
      const ids: string[] = [];
      for (let index = 0; index < 8; index++)
        ids.push((await startExecution(sut, user, task.id)).id);
      await new Promise((done) => setTimeout(done, 1500));

      await redis.stop();
      const down = await sut.inject({ method: 'GET', url: '/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json().error.message).toContain('redis');
      await redis.restart();

      await waitForReady(sut);
      for (const id of ids) {
        const done = await waitForExecution(sut, user, id, undefined, 120_000);
        expect(done).toMatchObject({ status: 'completed', stdout: 'done\n' });
      }
    } finally {
      await sut.close();
      await redis.remove();
    }
  }, 240_000);

  it('PostgreSQL restarted: every execution finishes and /ready recovers', async () => {
    const postgres = await PrivatePostgres.start();
    const config = testConfig({
      DATABASE_URL: postgres.url,
      RATE_LIMITS_ENABLED: 'false',
      WORKER_CONCURRENCY: '3',
      QUEUE_LOCK_MS: '3000',
    });
    await runMigrations(config.database);
    const sut = await startTestApp(config);
    try {
      const user = await registerUser(sut);
      const task = await createTaskFor(sut, user, SLOW_TASK);
      const ids: string[] = [];
      for (let index = 0; index < 8; index++)
        ids.push((await startExecution(sut, user, task.id)).id);
      await new Promise((done) => setTimeout(done, 1500));

      postgres.restart();

      await waitForReady(sut);
      for (const id of ids) {
        const done = await waitForExecution(sut, user, id, undefined, 120_000);
        expect(done).toMatchObject({ status: 'completed', stdout: 'done\n' });
      }
    } finally {
      await sut.close();
      postgres.remove();
    }
  }, 240_000);
});
