import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  spawnRuncell,
  stopProcess,
  TEST_JWT_SECRET,
  waitForHttp,
} from '../support/runcell-process';
import { startTestApp, testConfig } from '../support/test-app';

const SECRET = `executor-secret-${randomBytes(16).toString('hex')}`;

/** A fresh client address per test, so tests do not share per-address counters. */
function uniqueIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

async function removeNetwork(name: string): Promise<void> {
  await new Docker({ socketPath: '/var/run/docker.sock' })
    .getNetwork(name)
    .remove()
    .catch(() => undefined);
}

function executorSettings(hostname: string): Record<string, string> {
  return {
    URT_SECRET: SECRET,
    URT_HOSTNAME: hostname,
    URT_NETWORK: `runcell-test-${hostname}`,
    URT_ENV: 'development',
    APP_ROLE: 'api',
  };
}

describe('failed /v1 authentications are rate limited per address, across instances', () => {
  const hostname = `auth-${randomBytes(4).toString('hex')}`;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;

  beforeAll(async () => {
    const shared = {
      ...executorSettings(hostname),
      QUEUE_PREFIX: `test-xauth-${randomBytes(4).toString('hex')}`,
      RATE_LIMITS_ENABLED: 'true',
      RATE_LIMIT_EXECUTOR_AUTH_FAILURES: '3/60',
    };
    first = await startTestApp(testConfig(shared));
    second = await startTestApp(testConfig(shared));
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await removeNetwork(`runcell-test-${hostname}`);
  });

  const list = (app: NestFastifyApplication, ip: string, secret: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/runtimes',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${secret}` },
    });

  it('answers 429 in the executor envelope once an address has failed too often', async () => {
    const ip = uniqueIp();
    expect((await list(first, ip, 'wrong')).statusCode).toBe(401);
    expect((await list(second, ip, 'wrong')).statusCode).toBe(401);
    expect((await list(first, ip, 'wrong')).statusCode).toBe(401);
    const limited = await list(second, ip, 'wrong');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      type: 'general_unknown',
      message: expect.stringContaining('Too many failed authentications'),
      code: 429,
      version: expect.any(String),
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.server).toBe('Executor');
  });

  it('refuses a blocked address even with the right secret, so guessing stops', async () => {
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 4; attempt++) await list(first, ip, `guess-${attempt}`);
    expect((await list(first, ip, SECRET)).statusCode).toBe(429);
    expect((await list(first, uniqueIp(), SECRET)).statusCode).toBe(200);
  });

  it('never counts calls with the right secret', async () => {
    const ip = uniqueIp();
    for (let call = 0; call < 20; call++) {
      expect((await list(call % 2 === 0 ? first : second, ip, SECRET)).statusCode).toBe(200);
    }
    expect((await list(first, ip, 'wrong')).statusCode).toBe(401);
  });

  it('leaves /v1/health and unknown /v1 routes alone', async () => {
    const ip = uniqueIp();
    for (let call = 0; call < 5; call++) {
      const health = await first.inject({ method: 'GET', url: '/v1/health', remoteAddress: ip });
      expect(health.statusCode).toBe(200);
      const unknown = await first.inject({ method: 'GET', url: '/v1/unknown', remoteAddress: ip });
      expect(unknown.statusCode).toBe(404);
    }
    expect((await list(first, ip, 'wrong')).statusCode).toBe(401);
  });
});

describe('a short executor secret', () => {
  /** The output of a real production start-up, once it answers. */
  async function startupOutput(secret: string): Promise<string> {
    const port = await freePort();
    const hostname = `short-${randomBytes(4).toString('hex')}`;
    const child = spawnRuncell({
      ...executorSettings(hostname),
      NODE_ENV: 'production',
      URT_SECRET: secret,
      URT_HOST: '127.0.0.1',
      URT_PORT: String(port),
      JWT_SECRET: TEST_JWT_SECRET,
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, child);
    } finally {
      await stopProcess(child);
      await removeNetwork(`runcell-test-${hostname}`);
    }
    return output;
  }

  it('logs a warning at start-up in production, without the secret', async () => {
    const output = await startupOutput('short-secret');
    expect(output).toContain(
      'The executor secret (URT_SECRET / OPR_EXECUTOR_SECRET) is 12 bytes long',
    );
    expect(output).not.toContain('short-secret');
  });

  it('logs nothing about a secret of 32 bytes or more', async () => {
    const output = await startupOutput(SECRET);
    expect(output).not.toContain('The executor secret (URT_SECRET');
  });
});
