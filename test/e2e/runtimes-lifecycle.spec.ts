import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ShutdownState } from '../../src/common/lifecycle/shutdown-state';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  sleep,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';
import { registerUser } from '../support/users';

const IMAGE = 'runcell/node:v5';

describe('Runtime lifecycle: maintenance, adoption, draining (e2e)', () => {
  let archive: string;
  const harnesses: ExecutorHarness[] = [];
  /** Harnesses whose app a test already closed: only their leftovers are removed. */
  const closedHarnesses: ExecutorHarness[] = [];

  beforeAll(() => {
    archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
  });

  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
    for (const closed of closedHarnesses) await cleanUpClosed(closed);
    removeArchive(archive);
  });

  async function harness(overrides: Record<string, string> = {}): Promise<ExecutorHarness> {
    const started = await startExecutorHarness(overrides);
    harnesses.push(started);
    return started;
  }

  async function createRuntime(
    sut: ExecutorHarness,
    runtimeId: string,
    version = 'v5',
  ): Promise<void> {
    const created = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId,
        version,
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
      },
    });
    expect(created.status).toBe(201);
  }

  function execute(sut: ExecutorHarness, runtimeId: string, path = '/', timeout = 30) {
    return executorCall(sut.baseUrl, 'POST', `/v1/runtimes/${runtimeId}/executions`, {
      json: { path, timeout },
      headers: { accept: 'application/json', 'x-executor-response-format': '0.11.0' },
    });
  }

  async function runtimeNames(sut: ExecutorHarness): Promise<string[]> {
    const listed = await executorCall(sut.baseUrl, 'GET', '/v1/runtimes');
    expect(listed.status).toBe(200);
    return listed
      .json<{ name: string }[]>()
      .map((row) => row.name)
      .sort();
  }

  it('removes an idle runtime on schedule but keeps one with an execution in flight', async () => {
    const sut = await harness({ URT_INACTIVE_THRESHOLD: '2', URT_MAINTENANCE_INTERVAL: '1' });
    await createRuntime(sut, 'busy');
    await createRuntime(sut, 'idle');

    const running = execute(sut, 'busy', '/sleep?ms=4500');
    for (let waited = 0; waited < 10_000; waited += 250) {
      if (!(await runtimeNames(sut)).includes(`${sut.hostname}-idle`)) break;
      await sleep(250);
    }
    expect(await runtimeNames(sut)).toEqual([`${sut.hostname}-busy`]);

    const answer = await running;
    expect(answer.status).toBe(200);
    expect(answer.json<{ body: string }>().body).toBe('slept');
    const containerNames = async () => (await sut.containers()).map((c) => c.Names[0]);
    // The row goes first; the container removal may still be finishing.
    for (let waited = 0; waited < 10_000; waited += 250) {
      if (!(await containerNames()).includes(`/${sut.hostname}-idle`)) break;
      await sleep(250);
    }
    const names = await containerNames();
    expect(names).toContain(`/${sut.hostname}-busy`);
    expect(names).not.toContain(`/${sut.hostname}-idle`);
    expect(existsSync(join(sut.tmpDir, `${sut.hostname}-idle`))).toBe(false);
  }, 60_000);

  it("removes this executor's orphans and never another executor's", async () => {
    const sut = await harness();
    await createRuntime(sut, 'known');
    const other = `rt-other-${sut.hostname}`;
    const orphan = await sut.docker.createContainer({
      Image: 'runcell/base:bookworm',
      name: `${sut.hostname}-orphan`,
      Cmd: ['sleep', '300'],
      Labels: { 'openruntimes-executor': sut.hostname, 'runcell.managed': 'true' },
    });
    const foreign = await sut.docker.createContainer({
      Image: 'runcell/base:bookworm',
      name: `${other}-foreign`,
      Cmd: ['sleep', '300'],
      Labels: { 'openruntimes-executor': other, 'runcell.managed': 'true' },
    });
    mkdirSync(join(sut.tmpDir, `${sut.hostname}-stale`));
    mkdirSync(join(sut.tmpDir, `${other}-foreign`));
    try {
      const removed = await sut.app.get(MaintenanceService).cleanRuntimes();

      expect(removed.idle).toEqual([]);
      expect(removed.orphans.sort()).toEqual([`${sut.hostname}-orphan`, `${sut.hostname}-stale`]);
      expect(await runtimeNames(sut)).toEqual([`${sut.hostname}-known`]);
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(foreign.inspect()).resolves.toBeDefined();
      expect(existsSync(join(sut.tmpDir, `${sut.hostname}-stale`))).toBe(false);
      expect(existsSync(join(sut.tmpDir, `${sut.hostname}-known`))).toBe(true);
      expect(existsSync(join(sut.tmpDir, `${other}-foreign`))).toBe(true);
    } finally {
      await foreign.remove({ force: true });
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  }, 60_000);

  it('adopts the warm runtimes left by a previous process with the same hostname', async () => {
    const first = await startExecutorHarness();
    closedHarnesses.push(first);
    try {
      for (const id of ['one', 'two']) await createRuntime(first, id);
      await createRuntime(first, 'three', 'v4');
      expect((await execute(first, 'one')).status).toBe(200);
    } finally {
      await first.app.close();
    }
    expect((await first.containers()).filter((c) => c.State === 'running')).toHaveLength(3);

    const sut = await harness({
      URT_HOSTNAME: first.hostname,
      URT_NETWORK: first.network,
      URT_TMP_DIR: first.tmpDir,
    });

    expect(await runtimeNames(sut)).toEqual(
      ['one', 'three', 'two'].map((id) => `${first.hostname}-${id}`),
    );
    for (const id of ['one', 'two', 'three']) {
      const answer = await execute(sut, id, '/env');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.json<{ body: string }>().body)).toMatchObject({ secretSet: true });
    }
    const versions = await Promise.all(
      ['one', 'two', 'three'].map(async (id) => {
        const row = await executorCall(sut.baseUrl, 'GET', `/v1/runtimes/${id}`);
        return row.json<{ version: string }>().version;
      }),
    );
    expect(versions).toEqual(['v5', 'v5', 'v4']);
  }, 90_000);

  it('serves cached runtime CPU and memory through /v1/health/stats and the metrics', async () => {
    const sut = await harness({ URT_STATS_INTERVAL: '1' });
    await createRuntime(sut, 'measured');
    const name = `${sut.hostname}-measured`;

    let stats: { runtimes: Record<string, { status: string; memoryBytes: number | null }> } = {
      runtimes: {},
    };
    for (let waited = 0; waited < 15_000 && !stats.runtimes[name]; waited += 250) {
      const answer = await executorCall(sut.baseUrl, 'GET', '/v1/health/stats');
      expect(answer.status).toBe(200);
      stats = answer.json();
      if (!stats.runtimes[name]) await sleep(250);
    }
    expect(stats.runtimes[name]).toMatchObject({ status: 'pass' });
    expect(stats.runtimes[name].memoryBytes).toBeGreaterThan(0);

    const anonymous = await executorCall(sut.baseUrl, 'GET', '/v1/health/stats', {
      headers: { authorization: '' },
    });
    expect(anonymous.status).toBe(401);

    const metrics = await (await fetch(`${sut.baseUrl}/metrics`)).text();
    expect(metrics).toContain('runcell_runtimes{status="up"} 1');
    expect(metrics).toMatch(
      new RegExp(`runcell_runtime_memory_bytes\\{runtime="${name}"\\} [1-9]`),
    );
  }, 60_000);

  it('answers /v1/health with the legacy JSON the open-runtimes proxy balances on', async () => {
    const settings = { URT_HEALTH_STATS: 'true', URT_STATS_INTERVAL: '1' };
    const executors = [await harness(settings), await harness(settings)];
    await createRuntime(executors[0], 'left');
    await createRuntime(executors[1], 'right');

    type Health = {
      status: string;
      usage: number | null;
      runtimes: Record<string, { status: string; usage: number | null }>;
    };
    const healthOf = async (sut: ExecutorHarness, runtimeId: string): Promise<Health> => {
      for (let waited = 0; ; waited += 250) {
        const answer = await executorCall(sut.baseUrl, 'GET', '/v1/health', {
          headers: { authorization: '' },
        });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        const health = answer.json<Health>();
        const ready = health.usage !== null && health.runtimes[runtimeId]?.usage != null;
        if (ready || waited >= 15_000) return health;
        await sleep(250);
      }
    };

    const [left, right] = await Promise.all([
      healthOf(executors[0], 'left'),
      healthOf(executors[1], 'right'),
    ]);
    for (const [health, id] of [
      [left, 'left'],
      [right, 'right'],
    ] as const) {
      expect(health.status).toBe('pass');
      expect(health.usage).toEqual(expect.any(Number));
      expect(Object.keys(health.runtimes)).toEqual([id]);
      expect(health.runtimes[id]).toEqual({ status: 'pass', usage: expect.any(Number) });
    }
  }, 90_000);

  /** Removes what a harness whose app was already closed left behind. */
  async function cleanUpClosed(closed: ExecutorHarness): Promise<void> {
    for (const container of await closed.containers()) {
      await closed.docker.getContainer(container.Id).remove({ force: true });
    }
    await closed.docker
      .getNetwork(closed.network)
      .remove()
      .catch(() => undefined);
    rmSync(closed.tmpDir, { recursive: true, force: true });
  }

  it('lets an execution in flight finish on close and leaves runtimes for adoption', async () => {
    const sut = await startExecutorHarness();
    try {
      await createRuntime(sut, 'draining');
      const running = execute(sut, 'draining', '/sleep?ms=2000');
      await sleep(500);

      await sut.app.close();

      const answer = await running;
      expect(answer.status).toBe(200);
      expect(answer.json<{ body: string }>().body).toBe('slept');
      expect((await sut.containers()).map((c) => c.State)).toEqual(['running']);
    } finally {
      await cleanUpClosed(sut);
    }
  }, 60_000);

  function buildRuntime(sut: ExecutorHarness, runtimeId: string, command: string) {
    return executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: { runtimeId, image: IMAGE, source: archive, entrypoint: 'index.js', command },
    });
  }

  it('lets a build in flight finish on close', async () => {
    const sut = await startExecutorHarness();
    try {
      const building = buildRuntime(sut, 'building', 'sleep 3; echo build-complete');
      await sleep(1000);

      await sut.app.close();

      const answer = await building;
      expect(answer.status).toBe(201);
      const output = answer.json<{ output: { content: string }[] }>().output;
      expect(output.map((entry) => entry.content).join('')).toContain('build-complete');
    } finally {
      await cleanUpClosed(sut);
    }
  }, 60_000);

  it('cuts a build short when the shutdown timeout passes, with a clear error and no container', async () => {
    const sut = await startExecutorHarness({ SHUTDOWN_TIMEOUT_MS: '1000' });
    try {
      const building = buildRuntime(sut, 'endless', 'echo started; sleep 60');
      await sleep(1000);
      const closing = Date.now();

      await sut.app.close();

      expect(Date.now() - closing).toBeLessThan(15_000);
      const answer = await building;
      expect(answer.status).toBe(503);
      expect(answer.json<{ message: string }>().message).toBe(
        'The executor shut down before the runtime was ready; nothing was kept.',
      );
      expect(await sut.containers()).toEqual([]);
      expect(existsSync(join(sut.tmpDir, `${sut.hostname}-endless`))).toBe(false);
    } finally {
      await cleanUpClosed(sut);
    }
  }, 60_000);

  it('removes its runtimes on close when configured to', async () => {
    const sut = await startExecutorHarness({ URT_SHUTDOWN_REMOVE_RUNTIMES: 'true' });
    try {
      await createRuntime(sut, 'gone');

      await sut.app.close();

      expect(await sut.containers()).toEqual([]);
      expect(existsSync(join(sut.tmpDir, `${sut.hostname}-gone`))).toBe(false);
    } finally {
      await cleanUpClosed(sut);
    }
  }, 60_000);

  it('refuses new executions while draining', async () => {
    const sut = await harness();
    sut.app.get(ShutdownState).begin('test');

    const answer = await execute(sut, 'any');

    expect(answer.status).toBe(503);
  }, 30_000);

  it('purges expired refresh tokens', async () => {
    const sut = await harness();
    const user = await registerUser(sut.app);
    const dataSource = sut.app.get(DataSource);
    await dataSource.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`,
      [user.id],
    );

    const purged = await sut.app.get(MaintenanceService).purgeRefreshTokens();

    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM refresh_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(left[0].count).toBe(0);
  }, 30_000);
});
