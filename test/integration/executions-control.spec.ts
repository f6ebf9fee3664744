import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createTaskFor, startExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

/** An API-only instance: nothing consumes its queue, so executions stay pending. */
describe('execution control while pending (API role, no worker)', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let admin: TestUser & { password: string };
  const adminEmail = `admin-${randomBytes(4).toString('hex')}@example.com`;
  const adminPassword = 'admin password that is long';

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        RATE_LIMITS_ENABLED: 'false',
        APP_ROLE: 'api',
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
      }),
    );
    alice = await registerUser(sut, 'Alice');
    const login = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail, password: adminPassword },
    });
    expect(login.statusCode).toBe(200);
    const body = login.json();
    expect(body.user.role).toBe('admin');
    admin = {
      id: body.user.id,
      email: adminEmail,
      password: adminPassword,
      token: body.access_token,
      auth: { authorization: `Bearer ${body.access_token}` },
    };
  });

  afterAll(async () => {
    await sut.close();
  });

  it('cancels a pending execution with DELETE and with PUT {status: cancelled}; then 409', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const viaDelete = await startExecution(sut, alice, task.id);
    const deleted = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${viaDelete.id}`,
      headers: alice.auth,
    });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({
      id: viaDelete.id,
      status: 'cancelled',
      started_at: null,
    });

    const viaPut = await startExecution(sut, alice, task.id);
    const put = await sut.inject({
      method: 'PUT',
      url: `/api/v1/executions/${viaPut.id}`,
      headers: alice.auth,
      payload: { status: 'cancelled' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().status).toBe('cancelled');

    const again = await sut.inject({
      method: 'PUT',
      url: `/api/v1/executions/${viaPut.id}`,
      headers: alice.auth,
      payload: { status: 'cancelled' },
    });
    expect(again.statusCode).toBe(409);
    const taskNow = (
      await sut.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}`, headers: alice.auth })
    ).json();
    expect(taskNow.status).toBe('cancelled');
  });

  it('refuses other transitions for owners: only an admin resolves, with a reason', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const execution = await startExecution(sut, alice, task.id);
    const byOwner = await sut.inject({
      method: 'PUT',
      url: `/api/v1/executions/${execution.id}`,
      headers: alice.auth,
      payload: { status: 'completed' },
    });
    expect(byOwner.statusCode).toBe(403);
    const invalid = await sut.inject({
      method: 'PUT',
      url: `/api/v1/executions/${execution.id}`,
      headers: admin.auth,
      payload: { status: 'running' },
    });
    expect(invalid.statusCode).toBe(400);
    const resolved = await sut.inject({
      method: 'PUT',
      url: `/api/v1/executions/${execution.id}`,
      headers: admin.auth,
      payload: { status: 'failed', reason: 'stuck after a host crash' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'failed', error: 'stuck after a host crash' });
    const adminReads = await sut.inject({
      method: 'GET',
      url: `/api/v1/tasks/${task.id}`,
      headers: admin.auth,
    });
    expect(adminReads.statusCode).toBe(200);
  });

  it('answers TASK_BUSY for script changes and delete while an execution is queued; force cancels it', async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const execution = await startExecution(sut, alice, task.id);
    const scriptChange = await sut.inject({
      method: 'PUT',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
      payload: { script_content: 'print(2)' },
    });
    expect(scriptChange.statusCode).toBe(409);
    expect(scriptChange.json().error.code).toBe('TASK_BUSY');
    const rename = await sut.inject({
      method: 'PUT',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
      payload: { name: 'renamed' },
    });
    expect(rename.statusCode).toBe(200);
    const deleteBusy = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/tasks/${task.id}`,
      headers: alice.auth,
    });
    expect(deleteBusy.statusCode).toBe(409);
    const forced = await sut.inject({
      method: 'DELETE',
      url: `/api/v1/tasks/${task.id}?force=true`,
      headers: alice.auth,
    });
    expect(forced.statusCode).toBe(204);
    const gone = await sut.inject({
      method: 'GET',
      url: `/api/v1/executions/${execution.id}`,
      headers: alice.auth,
    });
    expect(gone.statusCode).toBe(404);
  });

  it("pages a task's executions newest first", async () => {
    const task = await createTaskFor(sut, alice, 'print(1)');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await startExecution(sut, alice, task.id)).id);
      await new Promise((done) => setTimeout(done, 5));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tasks/${task.id}/executions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = (await sut.inject({ method: 'GET', url, headers: alice.auth })).json();
      seen.push(...body.executions.map((execution: { id: string }) => execution.id));
      cursor = body.pagination.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });
});
