import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTaskFor, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

function postWithWait(
  app: NestFastifyApplication,
  user: TestUser,
  taskId: string,
  query: string,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/tasks/${taskId}/executions${query}`,
    headers: { ...user.auth, ...headers },
    payload: {},
  });
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
}

describe('POST /api/v1/tasks/{id}/executions?wait= (synchronous executions)', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        RATE_LIMITS_ENABLED: 'false',
        WORKER_CONCURRENCY: '4',
        EXECUTION_WAITERS_PER_USER: '1',
        EXECUTION_WAITERS_MAX: '2',
      }),
    );
    alice = await registerUser(sut, 'Alice');
    bob = await registerUser(sut, 'Bob');
    carol = await registerUser(sut, 'Carol');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('answers 200 with the finished execution and its output when it ends in time', async () => {
    const task = await createTaskFor(sut, alice, 'print("synchronous hello")');
    const response = await postWithWait(sut, alice, task.id, '?wait=30');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-runcell-wait']).toBe('finished');
    expect(response.json()).toMatchObject({
      task_id: task.id,
      status: 'completed',
      exit_code: 0,
      stdout: 'synchronous hello\n',
    });
  });

  it('answers 202 with the still active execution after `wait` seconds; it then finishes', async () => {
    const task = await createTaskFor(sut, alice, 'sleep 4; echo late', { script_type: 'bash' });
    const { value: response, ms } = await timed(postWithWait(sut, alice, task.id, '?wait=1'));
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-runcell-wait']).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(3500);
    const pending = response.json();
    expect(['pending', 'running']).toContain(pending.status);
    const done = await waitForExecution(sut, alice, pending.id);
    expect(done).toMatchObject({ status: 'completed', stdout: 'late\n' });
  });

  it('with wait=0 answers at once, 202 for an execution that has not run yet', async () => {
    const task = await createTaskFor(sut, alice, 'sleep 1', { script_type: 'bash' });
    const response = await postWithWait(sut, alice, task.id, '?wait=0');
    expect(response.statusCode).toBe(202);
    await waitForExecution(sut, alice, response.json().id);
  });

  it('without wait answers 202 at once, as before', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const response = await postWithWait(sut, alice, task.id, '');
    expect(response.statusCode).toBe(202);
    expect(response.json().status).toBe('pending');
    expect(response.headers['x-runcell-wait']).toBeUndefined();
    await waitForExecution(sut, alice, response.json().id);
  });

  it.each(['-1', '61', '1.5', 'abc', '', '1e1', '010', 'wait'])(
    'refuses wait=%p with 400 VALIDATION_FAILED and queues nothing',
    async (value) => {
      const task = await createTaskFor(sut, alice, 'print(1)');
      const query = value === 'wait' ? '?wait=1&wait=2' : `?wait=${value}`;
      const response = await postWithWait(sut, alice, task.id, query);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'wait' }],
      });
      const list = await sut.inject({
        method: 'GET',
        url: `/api/v1/tasks/${task.id}/executions`,
        headers: alice.auth,
      });
      expect(list.json().executions).toEqual([]);
    },
  );

  it('a replay with the same idempotency key waits for, and answers with, the same execution', async () => {
    const task = await createTaskFor(sut, alice, 'print("once")');
    const key = { 'idempotency-key': `wait-${task.id}` };
    const first = await postWithWait(sut, alice, task.id, '?wait=30', key);
    expect(first.statusCode).toBe(200);
    const replay = await postWithWait(sut, alice, task.id, '?wait=30', key);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: first.json().id, stdout: 'once\n' });
    const list = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}/executions`,
      headers: alice.auth,
    });
    expect(list.json().executions).toHaveLength(1);
  });

  it('bounds waiters per user and in all: over a bound, 202 at once without waiting', async () => {
    const task = await createTaskFor(sut, alice, 'sleep 3', { script_type: 'bash' });
    const bobTask = await createTaskFor(sut, bob, 'sleep 3', { script_type: 'bash' });
    const carolTask = await createTaskFor(sut, carol, 'print("carol")');
    const aliceWaiting = postWithWait(sut, alice, task.id, '?wait=20');
    await new Promise((done) => setTimeout(done, 300));

    // Alice has her one waiter; Bob still gets his.
    const { value: aliceAgain, ms } = await timed(postWithWait(sut, alice, task.id, '?wait=20'));
    expect(aliceAgain.statusCode).toBe(202);
    expect(aliceAgain.headers['x-runcell-wait']).toBe('refused');
    expect(ms).toBeLessThan(2000);
    const bobWaiting = postWithWait(sut, bob, bobTask.id, '?wait=20');
    await new Promise((done) => setTimeout(done, 300));

    // Two waiters in all: Carol, with none of her own, is refused too.
    const carolRefused = await postWithWait(sut, carol, carolTask.id, '?wait=20');
    expect(carolRefused.statusCode).toBe(202);
    expect(carolRefused.headers['x-runcell-wait']).toBe('refused');

    expect((await aliceWaiting).statusCode).toBe(200);
    expect((await bobWaiting).statusCode).toBe(200);
    // Slots are given back once the waits end.
    const carolNow = await postWithWait(sut, carol, carolTask.id, '?wait=30');
    expect(carolNow.statusCode).toBe(200);
    expect(carolNow.json().stdout).toBe('carol\n');
    await waitForExecution(sut, alice, aliceAgain.json().id);
    await waitForExecution(sut, carol, carolRefused.json().id);
  });

  it('a waiting request answers at once when its execution is cancelled (200) or deleted with its task (404)', async () => {
    for (const cancel of ['execution', 'task'] as const) {
      const task = await createTaskFor(sut, bob, 'sleep 20', { script_type: 'bash' });
      const waiting = timed(postWithWait(sut, bob, task.id, '?wait=30'));
      await new Promise((done) => setTimeout(done, 1000));
      const [active] = (
        await sut.inject({
          method: 'GET',
          url: `/api/v1/tasks/${task.id}/executions`,
          headers: bob.auth,
        })
      ).json().executions;
      const url =
        cancel === 'execution'
          ? `/api/v1/executions/${active.id}`
          : `/api/v1/tasks/${task.id}?force=true`;
      const cancelled = await sut.inject({ method: 'DELETE', url, headers: bob.auth });
      expect(cancelled.statusCode).toBeLessThan(300);
      const { value: response, ms } = await waiting;
      expect(ms).toBeLessThan(6000);
      if (cancel === 'execution') {
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ id: active.id, status: 'cancelled' });
      } else {
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('EXECUTION_NOT_FOUND');
      }
    }
  });

  it('a client that disconnects frees its waiter', async () => {
    const task = await createTaskFor(sut, alice, 'sleep 3', { script_type: 'bash' });
    await sut.listen({ port: 0, host: '127.0.0.1' });
    const { port } = sut.getHttpServer().address() as AddressInfo;
    const abandoned = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/tasks/${task.id}/executions?wait=30`,
      headers: { ...alice.auth, 'content-type': 'application/json' },
    });
    abandoned.on('error', () => undefined);
    abandoned.end('{}');
    await new Promise((done) => setTimeout(done, 500));
    abandoned.destroy();
    await new Promise((done) => setTimeout(done, 300));

    // Alice's only waiter is free again: this request waits instead of being refused.
    const quick = await createTaskFor(sut, alice, 'print("after disconnect")');
    const response = await postWithWait(sut, alice, quick.id, '?wait=30');
    expect(response.headers['x-runcell-wait']).toBe('finished');
    expect(response.statusCode).toBe(200);
  });
});

describe('?wait= at shutdown', () => {
  it('ends every waiter promptly with 202', async () => {
    const sut = await startTestApp(
      testConfig({ RATE_LIMITS_ENABLED: 'false', SHUTDOWN_TIMEOUT_MS: '10000' }),
    );
    const alice = await registerUser(sut, 'Alice');
    const task = await createTaskFor(sut, alice, 'sleep 2', { script_type: 'bash' });
    const waiting = timed(postWithWait(sut, alice, task.id, '?wait=50'));
    await new Promise((done) => setTimeout(done, 500));
    const closing = sut.close();
    const { value: response, ms } = await waiting;
    await closing;
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-runcell-wait']).toBe('shutdown');
    expect(ms).toBeLessThan(2000);
  });
});
