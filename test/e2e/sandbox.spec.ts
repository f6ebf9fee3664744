import { Test } from '@nestjs/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ConfigModule } from '../../src/config';
import { ContainerEngineModule, runcellLabels } from '../../src/container-engine';
import {
  InvalidSandboxRequestError,
  LABEL_EXECUTION_ID,
  SandboxInfrastructureError,
  SandboxModule,
  SandboxRunner,
  sandboxName,
} from '../../src/executions/sandbox';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { loadSeccompProfile } from '../../src/executions/sandbox/seccomp-profile';
import { SANDBOX_TEST_OUTPUT_CAP, sandboxHarness } from './sandbox-harness';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('Sandbox runner (real Docker and sandbox images)', () => {
  const harness = sandboxHarness();
  const { run, sut } = harness;

  afterEach(async () => {
    expect(await harness.leftovers()).toEqual([]);
  });

  describe('languages', () => {
    it.each([
      ['python', 'import sys\nprint("py out")\nprint("py err", file=sys.stderr)\nsys.exit(3)', 3],
      ['javascript', 'console.log("js out"); console.error("js err"); process.exitCode = 2;', 2],
      [
        'typescript',
        'const code: number = 4;\nconsole.log("ts out");\nconsole.error("ts err");\nprocess.exit(code);',
        4,
      ],
      ['bash', 'echo "bash out"; echo "bash err" >&2; exit 5', 5],
    ] as const)('runs %s and records its output and exit code', async (language, script, code) => {
      const result = await run({ language, script });
      const short = { python: 'py', javascript: 'js', typescript: 'ts', bash: 'bash' }[language];
      expect(result).toMatchObject({
        status: 'failed',
        exitCode: code,
        stdout: `${short} out\n`,
        stderr: `${short} err\n`,
        stdoutTruncated: false,
        stderrTruncated: false,
        oomKilled: false,
      });
      expect(result.finishedAt.getTime()).toBeGreaterThanOrEqual(result.startedAt.getTime());
    });

    it('reports a TypeScript syntax error as a failed run', async () => {
      const result = await run({ language: 'typescript', script: 'const = ;' });
      expect(result.status).toBe('failed');
      expect(result.stderr).toMatch(/error/i);
    });

    it('lets node and python use /tmp and the work folder despite noexec', async () => {
      const result = await run({
        language: 'javascript',
        script: [
          "const fs = require('fs');",
          "fs.writeFileSync('/tmp/a.json', JSON.stringify({ ok: true }));",
          "fs.writeFileSync('/sandbox/b.txt', 'work');",
          "console.log(require('/tmp/a.json').ok, fs.readFileSync('/sandbox/b.txt', 'utf8'));",
          "console.log(require('child_process').execSync('python3 -c \"import tempfile; print(tempfile.mkstemp()[1][:5])\"').toString().trim());",
        ].join('\n'),
      });
      expect(result).toMatchObject({ status: 'completed', stdout: 'true work\n/tmp/\n' });
    });
  });

  describe('input and output', () => {
    it('delivers binary stdin byte for byte', async () => {
      const stdin = Buffer.from([0, 1, 2, 255, 13, 10, 0, 0x7f]);
      const result = await run({
        language: 'python',
        stdin,
        script: 'import sys\nprint(sys.stdin.buffer.read().hex())',
      });
      expect(result).toMatchObject({ status: 'completed', stdout: `${stdin.toString('hex')}\n` });
    });

    it('delivers a 1 MiB stdin exactly', async () => {
      const stdin = randomBytes(1024 * 1024);
      const result = await run({
        language: 'python',
        stdin,
        script:
          'import hashlib, sys\ndata = sys.stdin.buffer.read()\nprint(len(data), hashlib.sha256(data).hexdigest())',
      });
      expect(result).toMatchObject({
        status: 'completed',
        stdout: `${stdin.length} ${sha256(stdin)}\n`,
      });
    });

    it('keeps its output when the program ignores a large stdin', async () => {
      const result = await run({
        language: 'bash',
        stdin: randomBytes(2 * 1024 * 1024),
        script: 'echo ignoring the input',
      });
      expect(result).toMatchObject({ status: 'completed', stdout: 'ignoring the input\n' });
    });

    it('returns unicode output exactly', async () => {
      const text = 'héllo wörld ✓ 漢字 😀';
      const result = await run({
        language: 'javascript',
        script: `console.log(${JSON.stringify(text)})`,
      });
      expect(result.stdout).toBe(`${text}\n`);
    });

    it('does not flag output of exactly the cap as truncated', async () => {
      const result = await run({
        language: 'bash',
        script: `head -c ${SANDBOX_TEST_OUTPUT_CAP} /dev/zero | tr "\\0" x`,
      });
      expect(result.stdout).toHaveLength(SANDBOX_TEST_OUTPUT_CAP);
      expect(result.stdoutTruncated).toBe(false);
    });

    it('streams the kept output live through onOutput', async () => {
      const seen = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      const result = await run({
        language: 'python',
        script:
          'import sys, time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.05)\nprint("e", file=sys.stderr)',
        onOutput: (stream, chunk) => seen[stream].push(chunk),
      });
      expect(Buffer.concat(seen.stdout).toString()).toBe(result.stdout);
      expect(Buffer.concat(seen.stderr).toString()).toBe('e\n');
      expect(result.stdout).toBe('0\n1\n2\n');
    });

    it('passes the requested environment and nothing of the host', async () => {
      process.env.RUNCELL_SANDBOX_HOST_CANARY = 'host-only-value';
      try {
        const result = await run({
          language: 'bash',
          env: { GREETING: 'hi there', EMPTY: '' },
          script: 'echo "[$GREETING][$EMPTY]"; env',
        });
        expect(result.stdout).toContain('[hi there][]');
        expect(result.stdout).not.toContain('host-only-value');
        expect(result.stdout).not.toContain('DATABASE_URL');
      } finally {
        delete process.env.RUNCELL_SANDBOX_HOST_CANARY;
      }
    });
  });

  it('records peak memory and CPU time of a run longer than a stats interval', async () => {
    const result = await run({
      language: 'python',
      script:
        'import time\nhog = bytearray(40 * 1024 * 1024)\nsum(range(2_000_000))\ntime.sleep(1.5)',
    });
    expect(result.status).toBe('completed');
    expect(result.memoryPeakBytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(result.cpuMs).toBeGreaterThan(0);
  });

  describe('requests and cancellation', () => {
    it('refuses an invalid request before touching the engine', async () => {
      const calls = harness.engineCalls.length;
      await expect(
        run({ language: 'bash', script: 'true', env: { 'BAD NAME': 'x' }, memoryMb: 1 }),
      ).rejects.toBeInstanceOf(InvalidSandboxRequestError);
      expect(harness.engineCalls.length).toBe(calls);
    });

    it('returns cancelled without creating a container when already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const calls = harness.engineCalls.length;
      const result = await run({ language: 'bash', script: 'echo no', signal: controller.signal });
      expect(result).toMatchObject({ status: 'cancelled', exitCode: null, stdout: '' });
      expect(harness.engineCalls.slice(calls)).not.toContain('createContainer');
    });
  });

  describe('orphans and retries', () => {
    async function plantSandbox(executionId: string): Promise<string> {
      return harness.docker.createContainer({
        image: `${harness.config.executions.sandboxImagePrefix}bash:1`,
        name: sandboxName(executionId),
        cmd: ['sleep', '60'],
        labels: {
          ...runcellLabels(harness.config.docker.instanceId, 'sandbox'),
          [LABEL_EXECUTION_ID]: executionId,
        },
      });
    }

    it('replaces the sandbox a previous attempt of the same execution left behind', async () => {
      const executionId = randomUUID();
      const stale = await plantSandbox(executionId);
      await harness.docker.startContainer(stale);
      const result = await run({ executionId, language: 'bash', script: 'echo retried' });
      expect(result).toMatchObject({ status: 'completed', stdout: 'retried\n' });
      await expect(harness.docker.inspectContainer(stale)).resolves.toBeUndefined();
    });

    it('lists sandboxes and removes only the orphans', async () => {
      const [known, orphan] = [randomUUID(), randomUUID()];
      await plantSandbox(known);
      await plantSandbox(orphan);
      const listed = await sut.listSandboxes();
      expect(listed.map((sandbox) => sandbox.executionId).sort()).toEqual([known, orphan].sort());

      await expect(sut.removeOrphans([known], { minAgeMs: 60_000 })).resolves.toEqual([]);
      await expect(sut.removeOrphans([known])).resolves.toEqual([sandboxName(orphan)]);
      expect((await sut.listSandboxes()).map((sandbox) => sandbox.executionId)).toEqual([known]);

      await expect(sut.removeSandboxOf(known)).resolves.toBe(true);
      await expect(sut.removeSandboxOf(known)).resolves.toBe(false);
    });
  });

  describe('infrastructure failures', () => {
    it('throws a retryable error for a missing image and leaves nothing behind', async () => {
      const missing = sandboxHarness({ SANDBOX_IMAGE_TAG: 'does-not-exist' });
      const failure = await missing
        .run({ language: 'bash', script: 'echo never' })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SandboxInfrastructureError);
      expect((failure as SandboxInfrastructureError).retryable).toBe(true);
      expect(await missing.leftovers()).toEqual([]);
    });

    it('throws a retryable error when Docker is unreachable', async () => {
      const offline = new SandboxRunner(
        harness.config,
        new DockerContainerEngine({ host: 'unix:///tmp/runcell-no-docker.sock' }),
        loadSeccompProfile(),
      );
      await expect(
        offline.run({
          executionId: randomUUID(),
          language: 'bash',
          script: 'true',
          timeoutMs: 1000,
          memoryMb: 64,
          cpus: 0.5,
        }),
      ).rejects.toBeInstanceOf(SandboxInfrastructureError);
    });
  });

  it('is provided by SandboxModule with the global config and engine', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(harness.config),
        ContainerEngineModule.forRoot(),
        SandboxModule,
      ],
    }).compile();
    try {
      const runner = moduleRef.get(SandboxRunner);
      const result = await runner.run({
        executionId: randomUUID(),
        language: 'python',
        script: 'print(6 * 7)',
        timeoutMs: 10_000,
        memoryMb: 64,
        cpus: 0.5,
      });
      expect(result).toMatchObject({ status: 'completed', stdout: '42\n' });
    } finally {
      await moduleRef.close();
    }
  });
});
