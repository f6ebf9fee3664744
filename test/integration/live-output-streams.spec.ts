import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { get, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forgeJwt } from '../support/auth-helpers';
import { createTaskFor, startExecution } from '../support/executions';
import { TEST_JWT_SECRET } from '../support/runcell-process';
import { startTestApp, testConfig } from '../support/test-app';
import { registerUser, TestUser } from '../support/users';

interface OpenStream {
  status: number;
  response: IncomingMessage;
  /** Resolves with the milliseconds from opening to the server ending the stream. */
  ended: Promise<number>;
}

/** Live output streams over real HTTP: capped per user, ended with the token, bounded in time. */
describe('live output streams (real HTTP, Redis)', () => {
  let sut: NestFastifyApplication;
  let base: string;
  let alice: TestUser;
  let executionId: string;

  beforeAll(async () => {
    sut = await startTestApp(
      testConfig({
        RATE_LIMITS_ENABLED: 'false',
        APP_ROLE: 'api', // no worker: the execution stays pending, its stream stays open
        LIVE_STREAMS_PER_USER: '2',
        LIVE_STREAM_MAX_SECONDS: '4',
      }),
    );
    await sut.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(sut.getHttpServer().address() as AddressInfo).port}`;
    alice = await registerUser(sut, 'Alice');
    const task = await createTaskFor(sut, alice, 'print(1)');
    executionId = (await startExecution(sut, alice, task.id)).id;
  });

  afterAll(async () => {
    await sut.close();
  });

  function open(token: string): Promise<OpenStream> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const request = get(
        `${base}/api/v1/executions/${executionId}/logs`,
        { headers: { authorization: `Bearer ${token}` } },
        (response) => {
          const ended = new Promise<number>((done) => {
            response.on('end', () => done(Date.now() - started));
            response.on('close', () => done(Date.now() - started));
          });
          response.resume();
          resolve({ status: response.statusCode ?? 0, response, ended });
        },
      );
      request.on('error', reject);
    });
  }

  it('caps the streams open at once per user with 429, and frees a slot when one closes', async () => {
    const first = await open(alice.token);
    const second = await open(alice.token);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await open(alice.token);
    expect(third.status).toBe(429);
    third.response.destroy();

    const bob = await registerUser(sut, 'Bob');
    const bobs = await open(bob.token);
    expect(bobs.status).toBe(404); // another user's execution: his own cap is untouched
    bobs.response.destroy();

    first.response.destroy();
    await first.ended;
    await new Promise((done) => setTimeout(done, 300));
    const again = await open(alice.token);
    expect(again.status).toBe(200);
    again.response.destroy();
    second.response.destroy();
    await Promise.all([again.ended, second.ended]);
    await new Promise((done) => setTimeout(done, 300));
  });

  it('ends a stream when its access token expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = forgeJwt(
      { alg: 'HS256', typ: 'JWT' },
      {
        sub: alice.id,
        jti: randomUUID(),
        type: 'access',
        iat: now,
        exp: now + 2,
        iss: 'runcell',
        aud: 'runcell-api',
      },
      TEST_JWT_SECRET,
    );
    const stream = await open(shortLived);
    expect(stream.status).toBe(200);
    const lasted = await stream.ended;
    expect(lasted).toBeLessThan(3500);
  });

  it('ends a stream after the longest a stream may last', async () => {
    const stream = await open(alice.token);
    expect(stream.status).toBe(200);
    const lasted = await stream.ended;
    expect(lasted).toBeGreaterThan(3000);
    expect(lasted).toBeLessThan(6000);
  });
});
