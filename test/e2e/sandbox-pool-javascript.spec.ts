import { createHash, randomBytes } from 'node:crypto';
import { durationMs, RunOptions, pooledAndColdHarnesses } from './sandbox-harness';

/** The limits a warm javascript container starts with (the language's defaults, one CPU). */
const POOL_LIMITS = { memoryMb: 256, cpus: 1 };

/** When the program's own process started, in ms since the epoch (from /proc/self/stat). */
const NODE_STARTED_AT = [
  'const fs = require("fs");',
  'const stat = fs.readFileSync("/proc/self/stat", "utf8");',
  'const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);',
  'const uptime = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);',
  'console.log(Date.now() - Math.round((uptime - ticks / 100) * 1000));',
].join('\n');

/** Everything about its start a program can see and a warm node must present as a cold one. */
const OBSERVE = [
  'const fs = require("fs");',
  'const { execFileSync } = require("child_process");',
  'fs.writeFileSync(__dirname + "/helper.js", "module.exports = [__filename, require.main === module];");',
  'const input = fs.readFileSync(0);',
  'import("node:path").then((path) => {',
  '  console.log(JSON.stringify({',
  '    argv: process.argv,',
  '    execArgv: process.execArgv,',
  '    main: require.main === module,',
  '    mainModule: process.mainModule === module,',
  '    filename: __filename,',
  '    dirname: __dirname,',
  '    helper: require("./helper"),',
  '    cache: Object.keys(require.cache),',
  '    paths: module.paths,',
  '    globals: Object.getOwnPropertyNames(globalThis).sort(),',
  '    evalSource: typeof process._eval,',
  '    env: process.env,',
  '    childEnv: execFileSync("/usr/bin/env", ["-0"]).toString().split("\\0"),',
  '    files: [fs.readdirSync("/sandbox").sort(), fs.readdirSync("/tmp")],',
  '    cwd: process.cwd(),',
  '    fds: fs.readdirSync("/proc/self/fd"),',
  '    stdin: input.toString("hex"),',
  '    sep: path.sep,',
  '  }));',
  '});',
].join('\n');

/** A pooled javascript suite: warm containers start node ahead of time (`warm-node-launcher.ts`). */
describe('Sandbox pool, javascript with a pre-started node (real Docker)', () => {
  const { harness, cold } = pooledAndColdHarnesses({
    SANDBOX_POOL_SIZE: '1',
    SANDBOX_POOL_LANGUAGES: 'javascript=1',
  });

  /** A run in a warm container whose node is waiting (`settleMs` after the container started). */
  async function warmRun(options: Omit<RunOptions, 'language'>, settleMs = 0) {
    await harness.warm('javascript');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return harness.run({ language: 'javascript', ...POOL_LIMITS, ...options });
  }

  function coldRun(options: Omit<RunOptions, 'language'>) {
    return cold.run({ language: 'javascript', ...POOL_LIMITS, ...options });
  }

  /** The start of the program's node process relative to when the run was asked for. */
  async function nodeAge(options: Omit<RunOptions, 'language' | 'script'>): Promise<number> {
    await harness.warm('javascript');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const askedAt = Date.now();
    const result = await harness.run({
      language: 'javascript',
      ...POOL_LIMITS,
      ...options,
      script: NODE_STARTED_AT,
    });
    expect(result).toMatchObject({ status: 'completed', exitCode: 0 });
    return askedAt - Number(result.stdout.trim());
  }

  it('runs the program in a node started before the claim', async () => {
    // Started with the warm container, at least the second of waiting before the request.
    expect(await nodeAge({})).toBeGreaterThan(700);
  });

  it('starts node afresh when the run changes what node reads while starting', async () => {
    // Another memory limit (V8 sizes its heap by it) or a variable node reads at start-up.
    expect(await nodeAge({ memoryMb: 128 })).toBeLessThan(50);
    expect(await nodeAge({ env: { NODE_OPTIONS: '--no-deprecation' } })).toBeLessThan(50);
    expect(await nodeAge({ env: { HOME: '/tmp' } })).toBeLessThan(50);
  });

  it('gives the program, its environment and stdin exactly as a cold node does', async () => {
    const env = {
      GREETING: 'hello world',
      MULTILINE: 'one\ntwo\n',
      EQUALS: 'a=b=c',
      EMPTY: '',
      UNICODE: 'grüße ✓',
      SHLVL: '7',
    };
    const stdin = Buffer.from([0, 1, 2, 10, 13, 255, 0x61, 0x0a, 0x32, 0x0a, 0]);
    const [pooled, unpooled] = await Promise.all([
      // `_` is one run-task's bash drops: a cold node never sees it.
      warmRun({ script: OBSERVE, env: { ...env, _: 'underscore' }, stdin }),
      coldRun({ script: OBSERVE, env: { ...env, _: 'underscore' }, stdin }),
    ]);
    expect(pooled).toMatchObject({ status: 'completed', stderr: '' });
    expect(unpooled).toMatchObject({ status: 'completed', stderr: '' });
    expect(pooled.stdout).toBe(unpooled.stdout);
    const seen = JSON.parse(pooled.stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({
      argv: ['/usr/bin/node', '/sandbox/main.js'],
      execArgv: [],
      main: true,
      mainModule: true,
      filename: '/sandbox/main.js',
      helper: ['/sandbox/helper.js', false],
      cache: ['/sandbox/main.js', '/sandbox/helper.js'],
      evalSource: 'undefined',
      env: expect.objectContaining(env) as unknown,
      files: [['helper.js', 'main.js'], []],
      stdin: stdin.toString('hex'),
    });
    for (const name of ['require', 'module', 'fs', 'child_process', '__filename']) {
      expect(seen.globals).not.toContain(name);
    }
    expect(seen.env).not.toHaveProperty('_');
  });

  it('hands a program all of a large stdin, byte for byte', async () => {
    const stdin = randomBytes(300 * 1024);
    const result = await warmRun({
      script: [
        'const chunks = [];',
        'process.stdin.on("data", (c) => chunks.push(c));',
        'process.stdin.on("end", () => {',
        '  const all = Buffer.concat(chunks);',
        '  console.log(all.length, require("crypto").createHash("sha256").update(all).digest("hex"));',
        '});',
      ].join('\n'),
      stdin,
    });
    const digest = createHash('sha256').update(stdin).digest('hex');
    expect(result).toMatchObject({ status: 'completed', stdout: `${stdin.length} ${digest}\n` });
  });

  it('reports a throw (exit 1, the error on stderr) and process.exit(3) as a cold node does', async () => {
    const script = 'console.log("before");\nthrow new Error("boom");';
    const [thrown, coldThrown] = await Promise.all([warmRun({ script }), coldRun({ script })]);
    expect(thrown).toMatchObject({ status: 'failed', exitCode: 1, stdout: 'before\n' });
    const head = (stderr: string) => stderr.split('\n').slice(0, 6);
    expect(head(thrown.stderr)).toEqual(head(coldThrown.stderr));
    expect(thrown.stderr).toContain(
      'Error: boom\n    at Object.<anonymous> (/sandbox/main.js:2:7)',
    );

    const exited = await warmRun({ script: 'console.log("bye"); process.exit(3);' });
    expect(exited).toMatchObject({ status: 'failed', exitCode: 3, stdout: 'bye\n', stderr: '' });
  });

  it('times out and cancels a pre-started program', async () => {
    // Waiting first: the clock of a run starts at hand-over, when node may still be starting.
    const timedOut = await warmRun(
      { script: 'console.log("spinning");\nfor (;;) {}', timeoutMs: 2000 },
      1000,
    );
    expect(timedOut).toMatchObject({ status: 'timeout', stdout: 'spinning\n' });
    expect(durationMs(timedOut)).toBeGreaterThanOrEqual(2000);
    expect(durationMs(timedOut)).toBeLessThan(6000);

    const controller = new AbortController();
    const cancelled = await warmRun({
      script: 'console.log("started");\nsetInterval(() => {}, 1000);',
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    expect(cancelled.status).toBe('cancelled');
    expect(durationMs(cancelled)).toBeLessThan(5000);
  });

  it.each([64, 256])(
    'applies a memory limit of %i MiB as a cold node sees it',
    async (memoryMb) => {
      const script = [
        'const fs = require("fs");',
        'const limit = ["/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max"]',
        '  .filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file, "utf8").trim())[0];',
        'console.log(limit, require("v8").getHeapStatistics().heap_size_limit);',
      ].join('\n');
      const [pooled, unpooled] = await Promise.all([
        warmRun({ script, memoryMb }),
        coldRun({ script, memoryMb }),
      ]);
      expect(pooled.status).toBe('completed');
      expect(pooled.stdout).toBe(unpooled.stdout);
      expect(pooled.stdout.split(' ')[0]).toBe(String(memoryMb * 1024 * 1024));
    },
  );

  it('is killed by the memory limit as a cold node is', async () => {
    const script = 'const kept = [];\nfor (;;) kept.push(Buffer.alloc(1 << 20, 1));';
    const pooled = await warmRun({ script, timeoutMs: 20_000 });
    expect(pooled).toMatchObject({ status: 'failed', exitCode: 137, oomKilled: true });
  }, 30_000);
});
