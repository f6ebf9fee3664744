import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFileSync, execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { LABEL_POOL } from '../../src/executions/sandbox/pooled-sandbox';
import { POOLED_SANDBOX_ENV, sandboxHarness } from '../e2e/sandbox-harness';
import { startTestApp, testConfig } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
/** The test role and database, so starting services here never changes anyone's credentials. */
const SERVICES_ENV = {
  ...process.env,
  DB_USER: 'runcell_test',
  DB_PASSWORD: 'runcell_test',
  DB_NAMES: 'runcell_ci',
};

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function dockerdRunning(): boolean {
  try {
    execFileSync('pgrep', ['-x', 'dockerd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startServices(): void {
  execFileSync('bash', ['scripts/services.sh'], { cwd: ROOT, stdio: 'ignore', env: SERVICES_ENV });
}

async function readyStatus(app: NestFastifyApplication) {
  const response = await app.inject({ method: 'GET', url: '/ready' });
  return { status: response.statusCode, body: response.json<{ error?: { message: string } }>() };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function stopDockerd(): Promise<void> {
  const systemd = execSync('[ -d /run/systemd/system ] && systemctl is-active docker || true')
    .toString()
    .trim();
  if (systemd === 'active') execSync('systemctl stop docker.socket docker');
  else execSync('pkill -TERM -x dockerd');
  // Fully gone (not just unresponsive), or a new daemon would find the old one's pid file.
  await until(() => !dockerAnswers() && !dockerdRunning(), 60_000, 'the Docker daemon stopping');
}

/**
 * Restarts the Docker daemon itself, so it runs alone after every other suite (`npm test` runs
 * test/serial on its own, last): readiness names Docker while it is down and recovers by itself.
 */
describe('Docker daemon restarted', () => {
  it('turns /ready into a 503 naming docker while the daemon is down, and back to 200 after', async () => {
    expect(dockerAnswers()).toBe(true);
    const sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false', APP_ROLE: 'api' }));
    try {
      expect((await readyStatus(sut)).status).toBe(200);

      await stopDockerd();

      const down = await readyStatus(sut);
      expect(down.status).toBe(503);
      expect(down.body.error?.message).toContain('docker');
      expect((await sut.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

      // The same script that `npm test` and `npm run local` start it with.
      startServices();
      await until(async () => (await readyStatus(sut)).status === 200, 60_000, '/ready recovering');
    } finally {
      await sut.close();
      if (!dockerAnswers()) startServices();
    }
  }, 180_000);

  it('refills the warm sandbox pool after the daemon restart, without a refill storm while it is down', async () => {
    expect(dockerAnswers()).toBe(true);
    const harness = sandboxHarness(POOLED_SANDBOX_ENV);
    const languages = ['python', 'javascript', 'bash'];
    try {
      await Promise.all(languages.map((language) => harness.warm(language)));
      const before = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
      expect(before).toHaveLength(3);

      await stopDockerd();
      const callsWhenDown = harness.engineCalls.length;
      // A claim meanwhile finds its warm container unusable and fails over to a cold run, which
      // fails like any run without Docker; the pool keeps backing off.
      await expect(harness.run({ language: 'python', script: 'print(1)' })).rejects.toThrow();
      await new Promise((done) => setTimeout(done, 10_000));
      const creations = harness.engineCalls
        .slice(callsWhenDown)
        .filter((call) => call === 'createContainer').length;
      expect(creations).toBeLessThanOrEqual(12);

      startServices();
      await until(dockerAnswers, 60_000, 'the Docker daemon answering');
      await until(
        async () => {
          const now = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
          const fresh = now.filter(
            (container) =>
              container.state === 'running' && !before.some((old) => old.id === container.id),
          );
          return fresh.length === 3 && languages.every((l) => harness.pool!.sizes()[l] === 1);
        },
        90_000,
        'the pool refilling',
      );
      const result = await harness.run({ language: 'bash', script: 'echo back' });
      expect(result).toMatchObject({ status: 'completed', stdout: 'back\n' });
    } finally {
      if (!dockerAnswers()) startServices();
      await harness.close();
    }
    expect(await harness.everything()).toEqual([]);
  }, 240_000);
});
