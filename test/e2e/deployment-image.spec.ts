import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/runcell-process';
import { DOCKER_SOCKET, IMAGE, requireDocker, run } from './deployment-commands';

const TEST_LABEL = 'runcell.test=deployment';

describe('the Runcell image (runcell/runcell:local)', () => {
  const suffix = randomBytes(4).toString('hex');
  const containerName = `runcell-deployment-test-${suffix}`;
  const instanceId = `deployment-test-${suffix}`;
  const secret = randomBytes(16).toString('hex');
  let port: number;
  let workDir: string;
  let baseUrl: string;

  const docker = (args: string[], timeoutMs?: number) => run('docker', args, { timeoutMs });
  const execInContainer = (args: string[]) => docker(['exec', containerName, ...args]);

  async function waitForHealth(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const state = await docker(['inspect', '--format', '{{.State.Running}}', containerName]);
      if (state.stdout.trim() !== 'true') {
        const logs = await docker(['logs', '--tail', '40', containerName]);
        throw new Error(`the container stopped:\n${logs.stdout}${logs.stderr}`);
      }
      try {
        if ((await fetch(`${baseUrl}/health`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error('the container did not answer /health within 60 s');
  }

  beforeAll(async () => {
    await requireDocker();
    const build = await run('bash', ['scripts/build-runcell-image.sh'], { timeoutMs: 900_000 });
    if (build.code !== 0) throw new Error(`image build failed:\n${build.stdout}${build.stderr}`);

    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // Shared with runtime containers at the same path, and writable by the image's user.
    workDir = await mkdtemp(join(tmpdir(), 'runcell-deployment-'));
    await chmod(workDir, 0o1777);
    const socketGroup = (await stat(DOCKER_SOCKET)).gid;
    const env: Record<string, string> = {
      URT_HOST: '127.0.0.1',
      URT_PORT: String(port),
      URT_SECRET: secret,
      URT_TMP_DIR: workDir,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      RUNCELL_INSTANCE_ID: instanceId,
      QUEUE_PREFIX: `test-${suffix}`,
      LOG_LEVEL: 'warn',
    };
    const started = await docker([
      'run',
      '--detach',
      '--name',
      containerName,
      '--label',
      TEST_LABEL,
      '--network',
      'host',
      '--group-add',
      String(socketGroup),
      '--volume',
      `${DOCKER_SOCKET}:${DOCKER_SOCKET}`,
      '--volume',
      `${workDir}:${workDir}`,
      ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
      IMAGE,
    ]);
    if (started.code !== 0) throw new Error(`docker run failed: ${started.stderr}`);
    await waitForHealth();
  }, 960_000);

  afterAll(async () => {
    await docker(['rm', '--force', '--volumes', containerName]);
    const leftovers = await docker([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=runcell.instance=${instanceId}`,
    ]);
    const ids = leftovers.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker(['rm', '--force', ...ids]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('runs as the unprivileged user with the socket group', async () => {
    const id = await execInContainer(['id', '-u']);
    expect(id.stdout.trim()).toBe('10001');
    const node = await execInContainer(['node', '--version']);
    const [major, minor] = node.stdout.trim().slice(1).split('.').map(Number);
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
  });

  it('is ready against the test PostgreSQL, Redis and Docker, seen from the host', async () => {
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: 'up', redis: 'up', docker: 'up', storage: 'up' },
    });
    const executor = await fetch(`${baseUrl}/v1/health`);
    expect(executor.status).toBe(200);
    expect(await executor.text()).toBe('OK');
  });

  it('answers /v1/health from inside the container, and its HEALTHCHECK passes', async () => {
    const inside = await execInContainer([
      'node',
      '-e',
      `fetch('http://127.0.0.1:${port}/v1/health').then(async (r) => console.log(r.status, await r.text()))`,
    ]);
    expect(inside.stdout.trim()).toBe('200 OK');

    const healthcheck = await docker([
      'image',
      'inspect',
      '--format',
      '{{json .Config.Healthcheck.Test}}',
      IMAGE,
    ]);
    const [kind, ...command] = JSON.parse(healthcheck.stdout) as string[];
    expect(kind).toBe('CMD');
    expect((await execInContainer(command)).code).toBe(0);
  });

  it('carries the migration command', async () => {
    const migrate = await execInContainer(['node', 'dist/src/database/migrate.cli.js']);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
  });

  it('creates, executes and deletes a runtime through /v1', async () => {
    const codeDir = join(workDir, `code-${suffix}`);
    await mkdir(codeDir, { recursive: true });
    await writeFile(
      join(codeDir, 'index.js'),
      "module.exports = async (context) => context.res.json({ hello: 'from the image' });\n",
    );
    const source = join(workDir, 'code.tar.gz');
    const tar = await run('tar', ['-czf', source, '-C', codeDir, 'index.js']);
    expect(tar.code).toBe(0);
    await chmod(source, 0o644);

    const runtimeId = `deploy-smoke-${suffix}`;
    const authorization = `Bearer ${secret}`;
    const created = await fetch(`${baseUrl}/v1/runtimes`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        runtimeId,
        image: 'runcell/node:v5',
        entrypoint: 'index.js',
        source,
        version: 'v5',
        runtimeEntrypoint:
          'cp /tmp/code.tar.gz /mnt/code/code.tar.gz && nohup helpers/start.sh "bash helpers/server.sh"',
      }),
    });
    expect(created.status).toBe(201);
    try {
      const execution = await fetch(`${baseUrl}/v1/runtimes/${runtimeId}/executions`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ path: '/', method: 'GET', timeout: 30 }),
      });
      expect(execution.status).toBe(200);
      const result = (await execution.json()) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ hello: 'from the image' });
    } finally {
      const deleted = await fetch(`${baseUrl}/v1/runtimes/${runtimeId}`, {
        method: 'DELETE',
        headers: { authorization },
      });
      expect(deleted.status).toBe(200);
    }
    const left = await docker([
      'ps',
      '--all',
      '--quiet',
      '--filter',
      `label=openruntimes-runtime-id=${runtimeId}`,
    ]);
    expect(left.stdout.trim()).toBe('');
  }, 120_000);

  it('drains and exits 0 on docker stop', async () => {
    const stopped = await docker(['stop', '--time', '40', containerName], 60_000);
    expect(stopped.code).toBe(0);
    const exit = await docker(['inspect', '--format', '{{.State.ExitCode}}', containerName]);
    expect(exit.stdout.trim()).toBe('0');
  });
});
