import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { parseSse } from '../support/sse';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const docker = new DockerContainerEngine({ host: 'unix:///var/run/docker.sock' });

async function sandboxOf(executionId: string) {
  return docker.listContainers({ 'runcell.execution-id': executionId });
}

describe('executions through the queue and real sandboxes', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false', WORKER_CONCURRENCY: '4' }));
    alice = await registerUser(sut, 'Alice');
    bob = await registerUser(sut, 'Bob');
  });

  afterAll(async () => {
    await sut.close();
  });

  it('runs a task: 202 pending, then completed with output, timings, and the task mirrors it', async () => {
    const task = await createTaskFor(sut, alice, 'print("hello from python")');
    const created = await startExecution(sut, alice, task.id);
    expect(created).toMatchObject({
      status: 'pending',
      task_id: task.id,
      user_id: alice.id,
      exit_code: null,
    });
    const done = await waitForExecution(sut, alice, created.id);
    expect(done).toMatchObject({
      id: created.id,
      status: 'completed',
      exit_code: 0,
      stdout: 'hello from python\n',
      stderr: '',
      stdout_truncated: false,
      error: null,
      attempt: 1,
    });
    expect(done.queue_ms).toBeGreaterThanOrEqual(0);
    expect(done.run_ms).toBeGreaterThan(0);
    expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
    const taskNow = (
      await sut.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}`, headers: alice.auth })
    ).json();
    expect(taskNow).toMatchObject({ status: 'completed', last_execution_id: created.id });
    expect(await sandboxOf(created.id)).toEqual([]);
  });

  it('records a failing program as failed with its exit code and stderr, and runs it again', async () => {
    const task = await createTaskFor(sut, alice, 'echo broken >&2; exit 3', {
      script_type: 'bash',
    });
    const first = await waitForExecution(
      sut,
      alice,
      (await startExecution(sut, alice, task.id)).id,
    );
    expect(first).toMatchObject({
      status: 'failed',
      exit_code: 3,
      stderr: 'broken\n',
      error: null,
    });
    const second = await waitForExecution(
      sut,
      alice,
      (await startExecution(sut, alice, task.id)).id,
    );
    expect(second.status).toBe('failed');
    expect(second.id).not.toBe(first.id);
  });

  it('delivers stdin and env, and honours a timeout override', async () => {
    const task = await createTaskFor(
      sut,
      alice,
      'const input = require("fs").readFileSync(0, "utf8"); console.log(input.trim().toUpperCase(), process.env.GREETING);',
      {
        script_type: 'javascript',
      },
    );
    const done = await waitForExecution(
      sut,
      alice,
      (await startExecution(sut, alice, task.id, { stdin: 'shout\n', env: { GREETING: 'hi' } })).id,
    );
    expect(done).toMatchObject({ status: 'completed', stdout: 'SHOUT hi\n' });

    const slow = await createTaskFor(sut, alice, 'sleep 30', { script_type: 'bash' });
    const timedOut = await waitForExecution(
      sut,
      alice,
      (await startExecution(sut, alice, slow.id, { timeout_seconds: 1 })).id,
    );
    expect(timedOut.status).toBe('timeout');
    expect(timedOut.run_ms).toBeLessThan(10_000);
  });

  it('validates the execution body', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const response = await sut.inject({
      method: 'POST',
      url: `/api/v1/tasks/${task.id}/executions`,
      headers: alice.auth,
      payload: { env: { 'BAD-NAME': 'x' }, timeout_seconds: 0 },
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .error.details.map((detail: { field: string }) => detail.field)
        .sort(),
    ).toEqual(['env', 'timeout_seconds']);
  });

  it('returns the same execution for a retried POST with one Idempotency-Key, even when concurrent', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const headers = { 'idempotency-key': `key-${task.id}` };
    const [a, b, c] = await Promise.all([
      startExecution(sut, alice, task.id, {}, headers),
      startExecution(sut, alice, task.id, {}, headers),
      startExecution(sut, alice, task.id, {}, headers),
    ]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    const later = await startExecution(sut, alice, task.id, {}, headers);
    expect(later.id).toBe(a.id);
    const list = (
      await sut.inject({
        method: 'GET',
        url: `/api/v1/tasks/${task.id}/executions`,
        headers: alice.auth,
      })
    ).json();
    expect(list.executions).toHaveLength(1);
  });

  it('cancels a running execution: its sandbox is gone within 2 s; a second cancel is 409', async () => {
    const task = await createTaskFor(sut, alice, 'trap "" TERM; while true; do sleep 1; done', {
      script_type: 'bash',
    });
    const execution = await startExecution(sut, alice, task.id);
    await waitForExecution(sut, alice, execution.id, (current) => current.status === 'running');
    const cancelled = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${execution.id}`,
      headers: alice.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    const deadline = Date.now() + 2000;
    while ((await sandboxOf(execution.id)).length > 0 && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 50));
    expect(await sandboxOf(execution.id)).toEqual([]);
    const again = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${execution.id}`,
      headers: alice.auth,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE_TRANSITION');
    const finalState = await waitForExecution(sut, alice, execution.id);
    expect(finalState.status).toBe('cancelled');
  });

  it('keeps executions private: another user gets 404, a bad id 400', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const execution = await startExecution(sut, alice, task.id);
    for (const [method, url] of [
      ['GET', `/api/v1/executions/${execution.id}`],
      ['DELETE', `/api/v1/executions/${execution.id}`],
      ['GET', `/api/v1/tasks/${task.id}/executions`],
      ['POST', `/api/v1/tasks/${task.id}/executions`],
    ] as const) {
      const response = await sut.inject({
        method,
        url,
        headers: bob.auth,
        payload: method === 'POST' ? {} : undefined,
      });
      expect(response.statusCode).toBe(404);
    }
    expect(
      (await sut.inject({ method: 'GET', url: '/api/v1/executions/123', headers: bob.auth }))
        .statusCode,
    ).toBe(400);
  });

  it('streams live output as SSE ending with the status event, and resumes after Last-Event-ID', async () => {
    const task = await createTaskFor(
      sut,
      alice,
      'for i in 1 2 3; do echo "line $i"; sleep 0.3; done; echo oops >&2',
      { script_type: 'bash' },
    );
    const execution = await startExecution(sut, alice, task.id);
    await sut.listen({ port: 0, host: '127.0.0.1' });
    const address = sut.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}/api/v1/executions/${execution.id}/logs`;
    const response = await fetch(base, { headers: alice.auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = parseSse(text);
    const stdout = events
      .filter((event) => event.event === 'stdout')
      .map((event) => event.data)
      .join('\n');
    expect(stdout).toContain('line 1');
    expect(stdout).toContain('line 3');
    expect(events.some((event) => event.event === 'stderr' && event.data.includes('oops'))).toBe(
      true,
    );
    expect(events.at(-1)).toMatchObject({ event: 'status', data: 'completed' });
    expect(events.every((event) => typeof event.id === 'string' && event.id.length > 0)).toBe(true);

    const resumeFrom = events.find(
      (event) => event.event === 'stdout' && event.data.includes('line 3'),
    )!.id;
    const resumed = await (
      await fetch(base, { headers: { ...alice.auth, 'last-event-id': resumeFrom } })
    ).text();
    expect(resumed).not.toContain('line 1');
    expect(resumed).toContain('oops');
    expect(resumed.trim().endsWith('data: completed')).toBe(true);
  });

  it('reports this worker and the queue at /health/workers', async () => {
    const response = await sut.inject({ method: 'GET', url: '/health/workers' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.workers.length).toBeGreaterThanOrEqual(1);
    expect(body.workers[0]).toEqual({
      id: expect.any(String),
      hostname: expect.any(String),
      concurrency: 4,
      active: expect.any(Number),
      last_heartbeat: expect.any(String),
      sandbox_pool: null,
    });
    expect(body.queue).toEqual({
      waiting: expect.any(Number),
      active: expect.any(Number),
      delayed: expect.any(Number),
      failed: expect.any(Number),
      completed: expect.any(Number),
    });
    expect(body.executions).toEqual({
      running: expect.any(Number),
      avg_run_ms_5m: expect.any(Number),
    });
  });
});
