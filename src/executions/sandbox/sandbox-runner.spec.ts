import { loadConfig } from '../../config';
import { ContainerEngineError, ContainerStats } from '../../container-engine';
import {
  FakeContainerEngine,
  FakeProgram,
} from '../../container-engine/testing/fake-container-engine';
import { frameProgram } from './program-framing';
import { SandboxInfrastructureError } from './sandbox.errors';
import { SandboxRunner } from './sandbox-runner';
import type { SandboxRequest } from './sandbox.types';

const config = loadConfig({ RUNCELL_INSTANCE_ID: 'unit', SANDBOX_OUTPUT_CAP: '8' });
const seccomp = { content: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}', path: 'test.json' };

function request(overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    executionId: 'exec-1',
    language: 'python',
    script: 'print(1)',
    timeoutMs: 5000,
    memoryMb: 64,
    cpus: 0.5,
    ...overrides,
  };
}

function sample(memoryPeakBytes: number, cpuTotalNs: number): ContainerStats {
  return { memoryBytes: 1, memoryPeakBytes, cpuTotalNs, cpuPercent: null, pids: 1 };
}

describe('SandboxRunner (fake engine)', () => {
  let engine: FakeContainerEngine;
  let sut: SandboxRunner;

  beforeEach(() => {
    engine = new FakeContainerEngine();
    sut = new SandboxRunner(config, engine, seccomp);
  });

  afterEach(() => jest.useRealTimers());

  function runs(program: FakeProgram): void {
    engine.program = () => program;
  }

  it('runs the framed program in the language image and removes the container', async () => {
    let received: Buffer | undefined;
    let image: string | undefined;
    engine.program = (spec, stdin) => {
      received = stdin;
      image = spec.image;
      return { stdout: 'out', stderr: 'err', exitCode: 0, stats: [sample(5000, 3_000_000)] };
    };
    const result = await sut.run(request({ stdin: 'input' }));
    expect(result).toMatchObject({
      status: 'completed',
      exitCode: 0,
      stdout: 'out',
      stderr: 'err',
      stdoutTruncated: false,
      oomKilled: false,
      memoryPeakBytes: 5000,
      cpuMs: 3,
    });
    expect(received).toEqual(frameProgram('print(1)', 'input'));
    expect(image).toBe('runcell/sandbox-python:1');
    expect(engine.containers.size).toBe(0);
  });

  it('reports a non-zero exit as failed and flags an OOM kill', async () => {
    runs({ exitCode: 137, oomKilled: true });
    await expect(sut.run(request())).resolves.toMatchObject({
      status: 'failed',
      exitCode: 137,
      oomKilled: true,
    });
    expect(engine.containers.size).toBe(0);
  });

  it('cuts output at the configured cap', async () => {
    runs({ stdout: 'x'.repeat(20), exitCode: 0 });
    const result = await sut.run(request());
    expect(result.stdout).toBe('x'.repeat(8));
    expect(result.stdoutTruncated).toBe(true);
  });

  it('kills the container at the timeout', async () => {
    runs({ runMs: Number.POSITIVE_INFINITY });
    const result = await sut.run(request({ timeoutMs: 20 }));
    expect(result).toMatchObject({ status: 'timeout', exitCode: 137 });
    expect(engine.containers.size).toBe(0);
  });

  it('kills the container when the signal aborts', async () => {
    runs({ runMs: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const result = await sut.run(request({ signal: controller.signal }));
    expect(result).toMatchObject({ status: 'cancelled', exitCode: 137 });
    expect(engine.containers.size).toBe(0);
  });

  it('reports no usage when the stats feed fails', async () => {
    engine.failWith('streamStats', new ContainerEngineError('failed', 'no stats'));
    runs({ exitCode: 0, stats: [sample(1, 1)] });
    await expect(sut.run(request())).resolves.toMatchObject({
      status: 'completed',
      memoryPeakBytes: null,
      cpuMs: null,
    });
  });

  it('removes a sandbox left by an earlier attempt before creating its own', async () => {
    await engine.createContainer({ image: 'x', name: 'runcell-sandbox-exec-1' });
    await expect(sut.run(request())).resolves.toMatchObject({ status: 'completed' });
    expect(engine.containers.size).toBe(0);
  });

  it.each(['createContainer', 'attach', 'startContainer', 'waitContainer'] as const)(
    'turns a %s failure into a retryable error and leaves no container',
    async (method) => {
      engine.failWith(method, new ContainerEngineError('unavailable', 'Docker is gone'));
      const failure = await sut.run(request()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SandboxInfrastructureError);
      expect((failure as Error).message).toContain('Docker is gone');
      expect(engine.containers.size).toBe(0);
    },
  );

  it('reports a missing image as a retryable error', async () => {
    engine.missingImages.add('runcell/sandbox-bash:1');
    await expect(sut.run(request({ language: 'bash' }))).rejects.toBeInstanceOf(
      SandboxInfrastructureError,
    );
  });

  it('gives up on a container that never reports its exit, and still removes it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    runs({ runMs: Number.POSITIVE_INFINITY, ignoresKill: true });
    const outcome = sut.run(request({ timeoutMs: 1000 })).catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(1000 + 15_000);
    expect(await outcome).toBeInstanceOf(SandboxInfrastructureError);
    expect(engine.containers.size).toBe(0);
  });

  describe('a compiled language', () => {
    const build = Buffer.from('tar bytes \u0000\n binary');

    it('compiles in its own container, then runs the build output with the stdin', async () => {
      const seen: { name: string; cmd: string[]; stdin: Buffer; memoryBytes?: number }[] = [];
      engine.program = (spec, stdin) => {
        seen.push({
          name: spec.name ?? '',
          cmd: spec.cmd ?? [],
          stdin,
          memoryBytes: spec.memoryBytes,
        });
        return spec.name?.endsWith('-compile')
          ? { stdout: frameProgram(build), stderr: 'warning: unused', exitCode: 0 }
          : { stdout: 'ran', exitCode: 0 };
      };
      const result = await sut.run(request({ language: 'c', script: 'int main;', stdin: 'in' }));
      expect(seen.map((stage) => stage.name)).toEqual([
        'runcell-sandbox-exec-1-compile',
        'runcell-sandbox-exec-1',
      ]);
      expect(seen[0].cmd.slice(0, 3)).toEqual(['run-task', 'compile', 'main.c']);
      expect(seen[0].stdin).toEqual(frameProgram('int main;'));
      expect(seen[0].memoryBytes).toBe(config.executions.compileMemoryMb * 1024 * 1024);
      expect(seen[1].cmd).toEqual(['run-task', 'artifact', '/build/main']);
      expect(seen[1].stdin).toEqual(frameProgram(build, 'in'));
      expect(result).toMatchObject({
        status: 'completed',
        stdout: 'ran',
        compile: { status: 'completed', exitCode: 0, output: 'warning: unused', error: null },
      });
      expect(engine.containers.size).toBe(0);
    });

    it('never runs the program after a compile error, and says so', async () => {
      const names: string[] = [];
      engine.program = (spec) => {
        names.push(spec.name ?? '');
        return { stderr: 'main.c:1: error', exitCode: 1 };
      };
      const result = await sut.run(request({ language: 'c', script: 'oops' }));
      expect(names).toEqual(['runcell-sandbox-exec-1-compile']);
      expect(result).toMatchObject({
        status: 'failed',
        exitCode: null,
        // The compiler's messages have their own cap (COMPILE_OUTPUT_CAP), not SANDBOX_OUTPUT_CAP (8 here).
        compile: {
          status: 'failed',
          exitCode: 1,
          output: 'main.c:1: error',
          outputTruncated: false,
        },
      });
      expect(result.compile?.error).toMatch(/Compilation failed/);
    });

    it('refuses a build output whose framing is wrong instead of passing it on', async () => {
      const names: string[] = [];
      engine.program = (spec) => {
        names.push(spec.name ?? '');
        return { stdout: '99\nshort', exitCode: 0 };
      };
      const result = await sut.run(request({ language: 'go', script: 'package main' }));
      expect(names).toHaveLength(1);
      expect(result.status).toBe('failed');
      expect(result.compile?.error).toMatch(/did not produce a build output/);
    });
  });
});
