import { randomUUID } from 'node:crypto';
import { LABEL_POOL } from '../../src/executions/sandbox/pooled-sandbox';
import {
  durationMs,
  POOLED_SANDBOX_ENV,
  pooledAndColdHarnesses,
  sandboxHarness,
} from './sandbox-harness';

const ENV_DUMP = [
  'import json, os',
  'print(json.dumps(dict(sorted(os.environ.items()))))',
  'print(sorted(os.listdir("/sandbox")), sorted(os.listdir("/tmp")), os.getcwd())',
].join('\n');

async function metricValue(
  harness: ReturnType<typeof sandboxHarness>,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = harness.metrics.registry.getSingleMetric(name);
  const { values } = (await metric?.get()) ?? { values: [] };
  const found = values.find((value) =>
    Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted),
  );
  return found?.value ?? 0;
}

/** The warm pool against the real Docker Engine and sandbox images. */
describe('Sandbox pool (real Docker)', () => {
  const { harness, cold } = pooledAndColdHarnesses();
  const { run } = harness;

  it('runs a program in a warm sandbox and counts the hit', async () => {
    await harness.warm('python');
    const hits = await metricValue(harness, 'runcell_sandbox_pool_hits_total', {
      language: 'python',
    });
    const result = await run({ language: 'python', script: 'print("hello")' });
    expect(result).toMatchObject({ status: 'completed', exitCode: 0, stdout: 'hello\n' });
    expect(
      await metricValue(harness, 'runcell_sandbox_pool_hits_total', { language: 'python' }),
    ).toBe(hits + 1);
    expect(harness.engineCalls).toContain('renameContainer');
  });

  it('gives the program exactly the environment and files a cold sandbox gives it', async () => {
    const env = {
      GREETING: 'hello world',
      MULTILINE: 'one\ntwo\n',
      EQUALS: 'a=b=c',
      EMPTY: '',
      UNICODE: 'grüße ✓',
      HOME: '/tmp',
      SHLVL: '7',
    };
    await harness.warm('python');
    const [pooled, unpooled] = await Promise.all([
      run({ language: 'python', script: ENV_DUMP, env }),
      cold.run({ language: 'python', script: ENV_DUMP, env }),
    ]);
    expect(pooled.status).toBe('completed');
    expect(unpooled.status).toBe('completed');
    expect(pooled.stdout).toBe(unpooled.stdout);
    const seen = JSON.parse(pooled.stdout.split('\n')[0]) as Record<string, string>;
    expect(seen).toMatchObject(env);
    expect(pooled.stdout.split('\n')[1]).toBe("['main.py'] [] /sandbox");
  });

  it('gives a program without env the same environment as a cold sandbox', async () => {
    await harness.warm('bash');
    const script = 'env | sort';
    const [pooled, unpooled] = await Promise.all([
      run({ language: 'bash', script }),
      cold.run({ language: 'bash', script }),
    ]);
    expect(pooled.stdout).toBe(unpooled.stdout);
    expect(pooled.stdout).toContain('HOSTNAME=sandbox');
  });

  it('delivers stdin byte for byte', async () => {
    await harness.warm('javascript');
    const stdin = Buffer.from([0, 1, 2, 10, 13, 255, 0x61, 0x0a, 0x32, 0x0a, 0]);
    const result = await run({
      language: 'javascript',
      script: [
        'const chunks = [];',
        'process.stdin.on("data", (c) => chunks.push(c));',
        'process.stdin.on("end", () => console.log(Buffer.concat(chunks).toString("hex")));',
      ].join('\n'),
      stdin,
    });
    expect(result).toMatchObject({ status: 'completed', stdout: `${stdin.toString('hex')}\n` });
  });

  it.each([
    [64, 0.3],
    [300, 1.5],
  ])('applies memory %i MiB and %f CPUs to a warm sandbox exactly', async (memoryMb, cpus) => {
    await harness.warm('bash');
    const script = [
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null | head -1',
      'cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.swap.max',
      'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max',
      'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    ].join('\n');
    const [pooled, unpooled] = await Promise.all([
      run({ language: 'bash', script, memoryMb, cpus }),
      cold.run({ language: 'bash', script, memoryMb, cpus }),
    ]);
    expect(pooled.status).toBe('completed');
    expect(pooled.stdout).toBe(unpooled.stdout);
    const [memory, , quota, pids] = pooled.stdout.trim().split('\n');
    expect(Number(memory)).toBe(memoryMb * 1024 * 1024);
    expect(Number(quota)).toBe(Math.round(cpus * 100_000));
    expect(pids).toBe(String(harness.config.executions.sandboxPidsLimit));
  });

  it('starts the wall clock when the program is handed over, not when the container started', async () => {
    await harness.warm('python');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const finishes = await run({
      language: 'python',
      script: 'import time\ntime.sleep(0.6)\nprint("done")',
      timeoutMs: 1200,
    });
    expect(finishes).toMatchObject({ status: 'completed', stdout: 'done\n' });

    await harness.warm('python');
    const timedOut = await run({
      language: 'python',
      script: 'print("spinning", flush=True)\nwhile True: pass',
      timeoutMs: 800,
    });
    expect(timedOut).toMatchObject({ status: 'timeout', stdout: 'spinning\n' });
    expect(durationMs(timedOut)).toBeGreaterThanOrEqual(800);
    expect(durationMs(timedOut)).toBeLessThan(5000);
  });

  it('cancels a pooled execution at once', async () => {
    await harness.warm('bash');
    const controller = new AbortController();
    const running = run({
      language: 'bash',
      script: 'echo started; sleep 30',
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    const result = await running;
    expect(result.status).toBe('cancelled');
    expect(durationMs(result)).toBeLessThan(5000);
  });

  it('refills after a burst; every run of the burst completes, cold or warm', async () => {
    await harness.warm('python');
    const misses = await metricValue(harness, 'runcell_sandbox_pool_misses_total', {
      language: 'python',
      reason: 'empty',
    });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        run({ language: 'python', script: `print(${index} * 2)` }),
      ),
    );
    expect(results.map((result) => result.stdout)).toEqual(['0\n', '2\n', '4\n', '6\n']);
    expect(
      await metricValue(harness, 'runcell_sandbox_pool_misses_total', {
        language: 'python',
        reason: 'empty',
      }),
    ).toBe(misses + 3);
    await harness.warm('python');
    expect(harness.pool?.sizes()).toMatchObject({ python: 1 });
  });

  it('never hands out a warm sandbox that was killed, removed or restarted behind its back', async () => {
    await Promise.all([harness.warm('python'), harness.warm('bash'), harness.warm('javascript')]);
    const warm = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
    expect(warm).toHaveLength(3);
    const byLanguage = (language: string) => warm.find((c) => c.name.includes(`-${language}-`))!;
    await harness.docker.killContainer(byLanguage('python').id);
    await harness.docker.removeContainer(byLanguage('bash').id);
    // Restarted: running again, but no longer the container the pool checked.
    await harness.docker.killContainer(byLanguage('javascript').id);
    await harness.docker.waitContainer(byLanguage('javascript').id);
    await harness.docker.startContainer(byLanguage('javascript').id);

    const hitsBefore = await Promise.all(
      ['python', 'bash', 'javascript'].map((language) =>
        metricValue(harness, 'runcell_sandbox_pool_hits_total', { language }),
      ),
    );
    const results = await Promise.all([
      run({ language: 'python', script: 'print("py")' }),
      run({ language: 'bash', script: 'echo sh' }),
      run({ language: 'javascript', script: 'console.log("js")' }),
    ]);
    expect(results.map((result) => [result.status, result.stdout])).toEqual([
      ['completed', 'py\n'],
      ['completed', 'sh\n'],
      ['completed', 'js\n'],
    ]);
    // None of the three ran warm: each claim found its container unusable (or already dropped).
    const hitsAfter = await Promise.all(
      ['python', 'bash', 'javascript'].map((language) =>
        metricValue(harness, 'runcell_sandbox_pool_hits_total', { language }),
      ),
    );
    expect(hitsAfter).toEqual(hitsBefore);
    // The pool replaced them with new containers.
    await Promise.all([harness.warm('python'), harness.warm('bash'), harness.warm('javascript')]);
    const now = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
    expect(now.map((c) => c.id)).not.toEqual(expect.arrayContaining([byLanguage('python').id]));
  });

  it('recovers when every warm container disappears (as after a daemon restart)', async () => {
    await Promise.all([harness.warm('python'), harness.warm('bash'), harness.warm('javascript')]);
    const warm = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
    await Promise.all(warm.map((container) => harness.docker.removeContainer(container.id)));
    // The pool's check notices within a few seconds, without any claim.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const now = await harness.docker.listContainers({ [LABEL_POOL]: harness.pool!.poolId });
      const fresh = now.filter((c) => c.state === 'running' && !warm.some((w) => w.id === c.id));
      if (fresh.length === 3) break;
      if (Date.now() > deadline) throw new Error('The pool did not refill');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const result = await run({ language: 'bash', script: 'echo back' });
    expect(result).toMatchObject({ status: 'completed', stdout: 'back\n' });
  });

  it('leaves no container when it shuts down with a full pool', async () => {
    const other = sandboxHarness(POOLED_SANDBOX_ENV);
    await Promise.all([other.warm('python'), other.warm('bash'), other.warm('javascript')]);
    expect(await other.everything()).toHaveLength(3);
    await other.close();
    expect(await other.everything()).toEqual([]);
    expect(other.pool?.sizes()).toEqual({ python: 0, javascript: 0, bash: 0 });
  });

  it('runs languages without warm targets and pool-less runners cold, as before', async () => {
    const misses = await metricValue(harness, 'runcell_sandbox_pool_misses_total', {
      language: 'typescript',
      reason: 'unpooled',
    });
    const result = await run({ language: 'typescript', script: 'console.log(1 + 1)' });
    expect(result.stdout).toBe('2\n');
    expect(
      await metricValue(harness, 'runcell_sandbox_pool_misses_total', {
        language: 'typescript',
        reason: 'unpooled',
      }),
    ).toBe(misses + 1);

    const plain = await cold.run({ language: 'python', script: 'print("cold")' });
    expect(plain.stdout).toBe('cold\n');
    expect(cold.pool).toBeUndefined();
    expect(cold.engineCalls).not.toContain('renameContainer');
    expect(cold.engineCalls).not.toContain('updateContainerLimits');
    expect(await cold.everything()).toEqual([]);
  });

  it('keeps a retried execution working: its claimed sandbox is removed by name', async () => {
    await harness.warm('bash');
    const executionId = randomUUID();
    const first = await run({ executionId, language: 'bash', script: 'echo one' });
    const second = await run({ executionId, language: 'bash', script: 'echo two' });
    expect([first.stdout, second.stdout]).toEqual(['one\n', 'two\n']);
  });

  it('pools one-stage languages of the language images too (ruby), environment and stdin included', async () => {
    const env = { SANDBOX_POOL_SIZE: '1', SANDBOX_POOL_LANGUAGES: 'ruby=1' };
    const ruby = sandboxHarness(env);
    try {
      await ruby.warm('ruby');
      const script = 'puts ENV["WHO"]\nputs STDIN.read.upcase\nputs ENV.to_h.sort.inspect';
      const options = { language: 'ruby' as const, script, env: { WHO: 'pooled' }, stdin: 'abc' };
      const [pooled, unpooled] = await Promise.all([ruby.run(options), cold.run(options)]);
      expect(pooled).toMatchObject({ status: 'completed' });
      expect(pooled.stdout.split('\n').slice(0, 2)).toEqual(['pooled', 'ABC']);
      expect(pooled.stdout).toBe(unpooled.stdout);
      expect(await metricValue(ruby, 'runcell_sandbox_pool_hits_total', { language: 'ruby' })).toBe(
        1,
      );
      expect(await ruby.leftovers()).toEqual([]);
    } finally {
      await ruby.close();
    }
    expect(await ruby.everything()).toEqual([]);
  });
});
