import { ContainerEngine } from '../../src/container-engine';
import {
  POOLED_SANDBOX_ENV,
  RunOptions,
  pooledAndColdHarnesses,
  sandboxHarness,
} from './sandbox-harness';

const FORGED = `\\0runcell-end:${'f'.repeat(32)}:0:0\\n`;

/** How a warm run ends: at the launcher's end record, or by Docker's account when there is none. */
describe('Sandbox pool end record (real Docker)', () => {
  const { harness, cold } = pooledAndColdHarnesses();

  /** Runs warm while Docker never reports the exit: only the end record can end the run. */
  async function runWithoutDockerWait(options: RunOptions) {
    const docker = harness.docker as { waitContainer: ContainerEngine['waitContainer'] };
    const original = docker.waitContainer.bind(harness.docker);
    docker.waitContainer = () => new Promise<never>(() => undefined);
    try {
      await harness.warm(options.language);
      return await harness.run({ timeoutMs: 30_000, ...options });
    } finally {
      docker.waitContainer = original;
    }
  }

  it('ends the run at the end record, strips it and keeps the exit code', async () => {
    const result = await runWithoutDockerWait({
      language: 'python',
      script: 'import sys\nprint("hello")\nprint("oops", file=sys.stderr)\nsys.exit(3)',
    });
    expect(result).toMatchObject({
      status: 'failed',
      exitCode: 3,
      stdout: 'hello\n',
      stderr: 'oops\n',
      oomKilled: false,
    });
    const ok = await runWithoutDockerWait({ language: 'bash', script: 'printf "no newline"' });
    expect(ok).toMatchObject({ status: 'completed', exitCode: 0, stdout: 'no newline' });
  }, 20_000);

  it('keeps running a program that prints a record with a wrong nonce', async () => {
    const result = await runWithoutDockerWait({
      language: 'python',
      script: [
        'import sys, time',
        `sys.stdout.write("${FORGED}"); sys.stdout.flush()`,
        `sys.stderr.write("${FORGED}"); sys.stderr.flush()`,
        'time.sleep(0.3)',
        'print("after")',
        'sys.exit(4)',
      ].join('\n'),
    });
    const forged = `\0runcell-end:${'f'.repeat(32)}:0:0\n`;
    expect(result).toMatchObject({
      status: 'failed',
      exitCode: 4,
      stdout: `${forged}after\n`,
      stderr: forged,
    });
  }, 20_000);

  it('reports an out-of-memory program exactly as a cold sandbox does', async () => {
    const script = [
      'import subprocess, sys',
      'child = subprocess.run([sys.executable, "-c", "b = bytearray(400 << 20)"])',
      'print("child", child.returncode)',
    ].join('\n');
    const direct = 'b = bytearray(400 << 20)';
    await harness.warm('python');
    const options = { language: 'python' as const, memoryMb: 64 };
    const pooledChild = await harness.run({ ...options, script });
    const coldChild = await cold.run({ ...options, script });
    await harness.warm('python');
    const pooledDirect = await harness.run({ ...options, script: direct });
    const coldDirect = await cold.run({ ...options, script: direct });
    const exactness = (r: typeof pooledChild) => ({
      status: r.status,
      exitCode: r.exitCode,
      oomKilled: r.oomKilled,
      stdout: r.stdout,
    });
    expect(exactness(pooledChild)).toEqual(exactness(coldChild));
    expect(exactness(pooledDirect)).toEqual(exactness(coldDirect));
    expect(coldDirect).toMatchObject({ status: 'failed', exitCode: 137, oomKilled: true });
    expect(coldChild.oomKilled).toBe(true);
  }, 60_000);

  it('waits for Docker after an exit by a signal (a program that kills itself)', async () => {
    // A warm program is the launcher's child, not PID 1, so a signal it sends itself is not
    // ignored as it is by a cold sandbox's PID 1: it dies, no record comes, Docker reports 137.
    await harness.warm('python');
    const pooled = await harness.run({
      language: 'python',
      script: 'import os, signal\nprint("dying", flush=True)\nos.kill(os.getpid(), signal.SIGKILL)',
      timeoutMs: 20_000,
    });
    expect(pooled).toMatchObject({
      status: 'failed',
      exitCode: 137,
      stdout: 'dying\n',
      stderr: '',
    });
    expect(pooled.oomKilled).toBe(false);
    expect(pooled.finishedAt.getTime() - pooled.startedAt.getTime()).toBeLessThan(10_000);
  }, 30_000);

  it('cannot kill its launcher: signals to PID 1 leave the run to end normally', async () => {
    await harness.warm('bash');
    const result = await harness.run({
      language: 'bash',
      script: 'kill -KILL 1; kill -TERM 1; kill -INT 1; echo alive',
    });
    expect(result).toMatchObject({ status: 'completed', exitCode: 0, stdout: 'alive\n' });
  }, 30_000);

  it('records peak memory and CPU time of a warm run longer than a stats interval', async () => {
    await harness.warm('python');
    const result = await harness.run({
      language: 'python',
      script:
        'import time\nhog = bytearray(40 * 1024 * 1024)\nsum(range(2_000_000))\ntime.sleep(1.5)',
    });
    expect(result.status).toBe('completed');
    expect(result.memoryPeakBytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(result.cpuMs).toBeGreaterThan(0);
  }, 30_000);

  it('removes a finished warm sandbox even when the pool shuts down right after the run', async () => {
    const once = sandboxHarness(POOLED_SANDBOX_ENV);
    try {
      await once.warm('python');
      const result = await once.run({ language: 'python', script: 'print(1)' });
      expect(result.stdout).toBe('1\n');
    } finally {
      await once.close();
    }
    expect(await once.everything()).toEqual([]);
  }, 30_000);
});
