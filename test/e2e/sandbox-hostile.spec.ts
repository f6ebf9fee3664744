import {
  durationMs,
  SANDBOX_PATHS,
  SANDBOX_TEST_OUTPUT_CAP,
  SANDBOX_TEST_PIDS_LIMIT,
} from './sandbox-harness';
import { hostileSandboxSuite } from './sandbox-hostile-suite';

/**
 * Hostile programs against the real runner, images and Docker Engine, resource side: each must
 * end with the right status at its limit, leave other runs alone, and leave no container behind.
 * The escape attempts (files, kernel, network) are in sandbox-hostile-escape.spec.ts.
 */
describe.each(SANDBOX_PATHS)(
  'Sandbox runner against hostile code (real Docker, %s)',
  (_path, poolEnv) => {
    const harness = hostileSandboxSuite(poolEnv);
    const { run } = harness;

    it('stops a fork bomb at the pids limit while a normal run in parallel completes', async () => {
      const bomb = run({
        language: 'python',
        timeoutMs: 4000,
        script: [
          'import os, time',
          'children = 0',
          'try:',
          '    while True:',
          '        if os.fork() == 0:',
          '            time.sleep(60)',
          '            os._exit(0)',
          '        children += 1',
          'except OSError as error:',
          '    print("blocked after", children, error.errno, flush=True)',
          'while True:',
          '    try:',
          '        os.fork() == 0 and os._exit(0)',
          '    except OSError:',
          '        pass',
        ].join('\n'),
      });
      const normal = run({ language: 'bash', script: 'echo still fine' });
      const [bombed, neighbour] = await Promise.all([bomb, normal]);
      expect(bombed.status).toBe('timeout');
      const [, children, errno] = /blocked after (\d+) (\d+)/.exec(bombed.stdout) ?? [];
      expect(Number(children)).toBeLessThan(SANDBOX_TEST_PIDS_LIMIT);
      expect(Number(errno)).toBe(11); // EAGAIN
      expect(neighbour).toMatchObject({ status: 'completed', stdout: 'still fine\n' });
    });

    it('ends a memory bomb at the memory limit, with no swap', async () => {
      const result = await run({
        language: 'python',
        memoryMb: 64,
        script: 'hog = []\nwhile True:\n    hog.append(bytearray(8 * 1024 * 1024))',
      });
      expect(result.status).toBe('failed');
      expect(result.oomKilled || result.stderr.includes('MemoryError')).toBe(true);
    });

    it('kills a CPU spin at the timeout, promptly', async () => {
      const result = await run({ language: 'javascript', timeoutMs: 1500, script: 'for (;;) {}' });
      expect(result.status).toBe('timeout');
      expect(result.exitCode).toBe(137);
      expect(durationMs(result)).toBeGreaterThanOrEqual(1500);
      expect(durationMs(result)).toBeLessThan(1500 + 3000);
    });

    it('cuts 100 MiB of output at the cap and the run still ends', async () => {
      const result = await run({
        language: 'bash',
        script:
          'head -c 104857600 /dev/zero | tr "\\0" a\nhead -c 10485760 /dev/zero | tr "\\0" b >&2\necho end >&2',
      });
      expect(result.status).toBe('completed');
      expect(result.stdout).toBe('a'.repeat(SANDBOX_TEST_OUTPUT_CAP));
      expect(result.stdoutTruncated).toBe(true);
      expect(result.stderr).toBe('b'.repeat(SANDBOX_TEST_OUTPUT_CAP));
      expect(result.stderrTruncated).toBe(true);
    });

    it('fills /tmp only up to its size (ENOSPC), and /sandbox up to its own', async () => {
      const result = await run({
        language: 'python',
        memoryMb: 160,
        script: [
          'import errno',
          'def fill(folder):',
          '    written = 0',
          '    try:',
          '        for index in range(100):',
          '            with open(f"{folder}/fill{index}", "wb") as handle:',
          '                for _ in range(8):',
          '                    handle.write(b"x" * 1048576)',
          '                    handle.flush()',
          '                    written += 1',
          '    except OSError as error:',
          '        return f"{folder} {errno.errorcode[error.errno]} after {written} MiB"',
          '    return f"{folder} unbounded"',
          'print(fill("/tmp"))',
          'print(fill("/sandbox"))',
        ].join('\n'),
      });
      expect(result.status).toBe('completed');
      const [, tmpMiB] = /\/tmp ENOSPC after (\d+) MiB/.exec(result.stdout) ?? [];
      const [, workMiB] = /\/sandbox ENOSPC after (\d+) MiB/.exec(result.stdout) ?? [];
      expect(Number(tmpMiB)).toBeGreaterThan(0);
      expect(Number(tmpMiB)).toBeLessThanOrEqual(64);
      expect(Number(workMiB)).toBeLessThanOrEqual(16);
    });

    it('ends when the main process exits, taking a background sleeper with it', async () => {
      const result = await run({
        language: 'bash',
        timeoutMs: 20_000,
        script: 'sleep 30 &\nnohup sleep 30 >/dev/null 2>&1 &\necho main done',
      });
      expect(result).toMatchObject({ status: 'completed', stdout: 'main done\n' });
      expect(durationMs(result)).toBeLessThan(10_000);
    });

    it('cancels a process that ignores SIGTERM within 2 seconds', async () => {
      const controller = new AbortController();
      let abortedAt = 0;
      const result = await run({
        language: 'python',
        timeoutMs: 20_000,
        signal: controller.signal,
        script: [
          'import signal, time',
          'signal.signal(signal.SIGTERM, signal.SIG_IGN)',
          'print("ready", flush=True)',
          'while True:',
          '    time.sleep(1)',
        ].join('\n'),
        onOutput: (stream, chunk) => {
          if (stream === 'stdout' && chunk.toString().includes('ready') && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      expect(result.status).toBe('cancelled');
      expect(abortedAt).toBeGreaterThan(0);
      expect(result.finishedAt.getTime() - abortedAt).toBeLessThan(2000);
    });

    it('applies the memory, swap, pids, CPU, open-file and file-size limits', async () => {
      const result = await run({
        language: 'bash',
        memoryMb: 96,
        cpus: 0.5,
        script: [
          'cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
          'cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo no-swap-accounting',
          'cat /sys/fs/cgroup/pids/pids.max',
          'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us',
          'ulimit -n',
          'ulimit -f',
        ].join('\n'),
      });
      expect(result.status).toBe('completed');
      const [memory, swap, pids, quota, period, openFiles, fileBlocks] = result.stdout
        .trim()
        .split('\n');
      expect(Number(memory)).toBe(96 * 1024 * 1024);
      if (swap !== 'no-swap-accounting') expect(Number(swap)).toBe(96 * 1024 * 1024);
      expect(Number(pids)).toBe(SANDBOX_TEST_PIDS_LIMIT);
      expect(Number(quota) / Number(period)).toBe(0.5);
      expect(Number(openFiles)).toBe(256);
      expect(Number(fileBlocks) * 1024).toBe(64 * 1024 * 1024); // bash counts 1024-byte blocks
    });
  },
);
