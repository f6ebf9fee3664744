import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { createTaskFor, startExecution, waitForExecution } from '../support/executions';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

const OUTPUT_CAP = 64 * 1024;

// One byte per write(2) for two seconds: a stream of tiny chunks, far past the output cap.
const BYTE_AT_A_TIME = `
import os, time
end = time.time() + 2
while time.time() < end:
    os.write(1, b"x")
    os.write(2, b"e")
`;

/** A program writing one byte at a time must not flood Redis with live-output entries. */
describe('live output of a byte-at-a-time program (real sandbox and Redis)', () => {
  const config = testConfig({
    RATE_LIMITS_ENABLED: 'false',
    SANDBOX_OUTPUT_CAP: String(OUTPUT_CAP),
  });
  let sut: NestFastifyApplication;
  let alice: TestUser;
  let redis: Redis;

  beforeAll(async () => {
    sut = await startTestApp(config);
    alice = await registerUser(sut, 'Alice');
    redis = new Redis(config.redis.url);
  });

  afterAll(async () => {
    redis.disconnect();
    await sut.close();
  });

  it('coalesces the chunks: few entries, memory within twice the cap, output intact', async () => {
    const task = await createTaskFor(sut, alice, BYTE_AT_A_TIME);
    const created = await startExecution(sut, alice, task.id);
    const done = await waitForExecution(sut, alice, created.id);
    expect(done.status).toBe('completed');
    expect(done.stdout_truncated).toBe(true);

    const key = `${config.redis.queuePrefix}:output:${created.id}`;
    const entries = await redis.xlen(key);
    const memory = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    expect(entries).toBeGreaterThan(2);
    expect(entries).toBeLessThan(100);
    expect(memory).toBeLessThan(2 * 2 * OUTPUT_CAP);

    const logs = await sut.inject({
      method: 'GET',
      url: `/api/v1/executions/${created.id}/logs`,
      headers: alice.auth,
    });
    const streamed = logs.body
      .split('\n\n')
      .filter((block) => block.includes('event: stdout'))
      .map((block) =>
        block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n'),
      )
      .join('');
    expect(streamed).toBe(done.stdout);
    expect(logs.body.trim().endsWith('data: completed')).toBe(true);
  });
});
