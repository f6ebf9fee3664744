import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import type { RuncellConfig } from '../../src/config';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { parseSse } from '../support/sse';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const SCRIPT = 'import sys\nprint("out line")\nprint("err line", file=sys.stderr)\n';

/**
 * The log stream of a finished execution when its live output in Redis is gone (expired after
 * a day, or lost by a Redis restart): the result stored on the execution still answers.
 */
describe('execution logs without their live stream', () => {
  let config: RuncellConfig;
  let sut: NestFastifyApplication;
  let redis: Redis;
  let user: TestUser;
  let base: string;

  beforeAll(async () => {
    config = testConfig({ RATE_LIMITS_ENABLED: 'false' });
    sut = await startTestApp(config);
    await sut.listen({ port: 0, host: '127.0.0.1' });
    const { port } = sut.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${port}/api/v1/executions`;
    redis = new Redis(config.redis.url);
    user = await registerUser(sut);
  });

  afterAll(async () => {
    redis.disconnect();
    await sut.close();
  });

  const streamKey = (id: string) => `${config.redis.queuePrefix}:output:${id}`;

  /**
   * The worker appends the final status event just after it updates the row: a stream expires a
   * day later, so the test waits for that event before it takes the stream away.
   */
  async function finishedExecution(): Promise<string> {
    const task = await createTaskFor(sut, user, SCRIPT);
    const { id } = await startExecution(sut, user, task.id);
    const done = await waitForExecution(sut, user, id);
    expect(done).toMatchObject({ status: 'completed' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [last] = await redis.xrevrange(streamKey(id), '+', '-', 'COUNT', 1);
      if (last?.[1][1] === 'status' && last[1][3] === 'completed') return id;
      if (Date.now() > deadline)
        throw new Error(`no final status event for ${id}: ${JSON.stringify(last)}`);
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  async function logsOf(id: string) {
    const response = await fetch(`${base}/${id}/logs`, { headers: user.auth });
    expect(response.status).toBe(200);
    return parseSse(await response.text());
  }

  it('replays the stored stdout, stderr and status when the live stream has expired', async () => {
    const id = await finishedExecution();
    expect(await redis.del(streamKey(id))).toBe(1);

    expect(await logsOf(id)).toEqual([
      { id: '0-1', event: 'stdout', data: expect.stringContaining('out line') },
      { id: '0-2', event: 'stderr', data: expect.stringContaining('err line') },
      { id: '0-3', event: 'status', data: 'completed' },
    ]);
  });

  it('ends with the stored status when the stream lost its final status event', async () => {
    const id = await finishedExecution();
    const [[statusId, fields]] = await redis.xrevrange(streamKey(id), '+', '-', 'COUNT', 1);
    expect(fields).toEqual(['type', 'status', 'data', 'completed']);
    expect(await redis.xdel(streamKey(id), statusId)).toBe(1);
    const [[lastId]] = await redis.xrevrange(streamKey(id), '+', '-', 'COUNT', 1);

    const events = await logsOf(id);

    expect(events.map((event) => event.event)).toContain('stdout');
    expect(events.at(-1)).toEqual({ id: `${lastId}-final`, event: 'status', data: 'completed' });
    const statuses = events.filter((event) => event.event === 'status').map((event) => event.data);
    expect(statuses).toEqual(['running', 'completed']);
  });
});
