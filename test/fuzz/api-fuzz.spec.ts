import fc from 'fast-check';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { performance } from 'node:perf_hooks';
import { createTaskFor, startExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';
import { Operation, operationsOf, OpenApiDocument } from './openapi-operations';
import { requestFor, FuzzContext, FuzzRequest } from './malformed-requests';

/** Replay a failure with FUZZ_SEED=<seed>; FUZZ_RUNS sets the cases per operation. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 150);
const SLOWEST_ANSWER_MS = 2000;

/**
 * Every route of the OpenAPI document, hit with generated malformed input (fast-check): wrong
 * types, missing and extra fields, huge and deeply nested bodies, NUL and unpaired surrogates,
 * invalid UTF-8, wrong content types, bad ids and cursors, with and without tokens. No answer
 * may be a 5xx or take longer than 2 s, and the service must be healthy afterwards. `/v1` routes
 * are hit without the executor secret only.
 */
describe('fuzzing every route of the OpenAPI document', () => {
  let sut: NestFastifyApplication;
  let operations: Operation[];
  let context: FuzzContext;
  let cases = 0;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        APP_ROLE: 'api',
        RATE_LIMITS_ENABLED: 'false',
        LIVE_STREAM_MAX_SECONDS: '1',
      }),
    );
    const document = (
      await sut.inject({ method: 'GET', url: '/docs-json' })
    ).json<OpenApiDocument>();
    operations = operationsOf(document);
    const alice: TestUser = await registerUser(sut, 'Alice');
    const signOut: TestUser = await registerUser(sut, 'Mallory');
    const task = await createTaskFor(sut, alice, 'print(1)');
    const doomed = await createTaskFor(sut, alice, 'print(2)');
    const execution = await startExecution(sut, alice, task.id);
    // A finished execution: its live output replays at once instead of following.
    await sut.inject({
      method: 'DELETE',
      url: `/api/v1/executions/${execution.id}`,
      headers: alice.auth,
    });
    context = {
      token: alice.token,
      signOutToken: signOut.token,
      taskId: task.id,
      doomedTaskId: doomed.id,
      executionId: execution.id,
    };
  });

  afterAll(async () => {
    // The closing note: how many cases ran, and the seed that replays them.
    process.stdout.write(`api fuzz: ${cases} cases, seed ${SEED}\n`);
    await sut?.close();
  });

  it('covers the task platform, auth, health and executor routes', () => {
    const paths = new Set(operations.map((operation) => operation.path));
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/tasks/{id}',
      '/api/v1/executions/{id}/logs',
      '/health',
      '/v1/runtimes',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('answers every malformed request with a non-5xx status within 2 s', async () => {
    for (const [index, operation] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (request: FuzzRequest) => {
          cases += 1;
          const options = request.build(context);
          const started = performance.now();
          const response = await sut.inject(options);
          const elapsed = performance.now() - started;
          if (response.statusCode >= 500 || elapsed > SLOWEST_ANSWER_MS) {
            throw new Error(
              `${options.method} ${String(options.url).slice(0, 200)} answered ${response.statusCode} in ${Math.round(elapsed)} ms to ${JSON.stringify(options.headers)} ${String(options.payload).slice(0, 300)}: ${response.body.slice(0, 300)}`,
            );
          }
        }),
        { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }
  }, 150_000);

  it('is healthy afterwards', async () => {
    expect((await sut.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await sut.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    const fresh = await registerUser(sut, 'After');
    const tasks = await sut.inject({ method: 'GET', url: '/api/v1/tasks', headers: fresh.auth });
    expect(tasks.statusCode).toBe(200);
  });
});
