import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestUser } from './users';

const TERMINAL = new Set(['completed', 'failed', 'timeout', 'cancelled']);

export async function createTaskFor(
  app: NestFastifyApplication,
  user: TestUser,
  script: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/tasks',
    headers: user.auth,
    payload: { name: 'task', script_content: script, script_type: 'python', ...overrides },
  });
  if (response.statusCode !== 201)
    throw new Error(`task create failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function startExecution(
  app: NestFastifyApplication,
  user: TestUser,
  taskId: string,
  payload: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/tasks/${taskId}/executions`,
    headers: { ...user.auth, ...headers },
    payload,
  });
  if (response.statusCode !== 202)
    throw new Error(`execution create failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Polls an execution until `until` says so (default: a terminal status). */
export async function waitForExecution(
  app: NestFastifyApplication,
  user: TestUser,
  id: string,
  until: (execution: { status: string }) => boolean = (execution) => TERMINAL.has(execution.status),
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/executions/${id}`,
      headers: user.auth,
    });
    const execution = response.json();
    if (until(execution)) return execution;
    if (Date.now() > deadline)
      throw new Error(`execution ${id} still ${execution.status} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
