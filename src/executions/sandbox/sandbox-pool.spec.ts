import { loadConfig } from '../../config';
import { ContainerEngineError } from '../../container-engine';
import { FakeContainerEngine } from '../../container-engine/testing/fake-container-engine';
import { MetricsService } from '../../metrics/metrics.service';
import { LABEL_POOL } from './pooled-sandbox';
import { SandboxPool } from './sandbox-pool';
import type { SandboxRequest } from './sandbox.types';

const config = loadConfig({
  RUNCELL_INSTANCE_ID: 'unit',
  SANDBOX_POOL_SIZE: '2',
  SANDBOX_POOL_LANGUAGES: 'python=2',
});
const seccomp = { content: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}', path: 'test.json' };

function request(executionId: string): SandboxRequest {
  return { executionId, language: 'python', script: '', timeoutMs: 1000, memoryMb: 256, cpus: 1 };
}

async function counter(metrics: MetricsService, name: string, labels: Record<string, string>) {
  const { values } = await metrics.registry.getSingleMetric(name)!.get();
  const found = values.find((v) => Object.entries(labels).every(([k, w]) => v.labels[k] === w));
  return found?.value ?? 0;
}

describe('SandboxPool (fake engine)', () => {
  let engine: FakeContainerEngine;
  let metrics: MetricsService;
  let sut: SandboxPool;

  beforeEach(() => {
    jest.useFakeTimers();
    engine = new FakeContainerEngine();
    metrics = new MetricsService();
    sut = new SandboxPool(config, engine, seccomp, metrics);
  });

  afterEach(async () => {
    await sut.drain();
    jest.useRealTimers();
  });

  it('fills to its targets and hands each warm container out once', async () => {
    sut.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(sut.sizes()).toEqual({ python: 2 });
    const first = await sut.claim(request('a'));
    const second = await sut.claim(request('b'));
    expect(first?.containerId).toBeDefined();
    expect(second?.containerId).not.toBe(first?.containerId);
    await first?.named;
    expect((await engine.inspectContainer(first!.containerId))?.name).toBe('runcell-sandbox-a');
    expect(await counter(metrics, 'runcell_sandbox_pool_hits_total', { language: 'python' })).toBe(
      2,
    );
    // Replacements are made once the runs are over, never beside a running program.
    await jest.advanceTimersByTimeAsync(10);
    expect(sut.sizes()).toEqual({ python: 0 });
    sut.discard(first!.containerId, 'a');
    sut.discard(second!.containerId, 'b');
    await jest.advanceTimersByTimeAsync(10);
    expect(sut.sizes()).toEqual({ python: 2 });
  });

  it('backs off while the engine fails instead of storming it, then refills', async () => {
    const create = jest
      .spyOn(engine, 'createContainer')
      .mockRejectedValue(new ContainerEngineError('unavailable', 'Docker is down'));
    sut.start();
    await jest.advanceTimersByTimeAsync(10_000);
    // 2 at once, then one attempt per backoff step: 0.5, 1, 2, 4 s.
    expect(create.mock.calls.length).toBeLessThanOrEqual(7);
    expect(await sut.claim(request('c'))).toBeUndefined();
    expect(
      await counter(metrics, 'runcell_sandbox_pool_misses_total', {
        language: 'python',
        reason: 'empty',
      }),
    ).toBe(1);
    create.mockRestore();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(sut.sizes()).toEqual({ python: 2 });
  });

  it('never hands out a warm container that stopped, and replaces it', async () => {
    sut.start();
    await jest.advanceTimersByTimeAsync(10);
    const [dead] = await engine.listContainers({ [LABEL_POOL]: sut.poolId });
    await engine.killContainer(dead.id);
    const claims = [await sut.claim(request('d')), await sut.claim(request('e'))];
    expect(claims.filter((claim) => claim?.containerId === dead.id)).toEqual([]);
    expect(await engine.inspectContainer(dead.id)).toBeUndefined();
    expect(
      await counter(metrics, 'runcell_sandbox_pool_misses_total', {
        language: 'python',
        reason: 'engine',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('retires idle containers and stops refilling a language nobody uses', async () => {
    sut.start();
    await jest.advanceTimersByTimeAsync(10);
    await jest.advanceTimersByTimeAsync(config.executions.sandboxPool.idleMs + 10_000);
    expect(sut.sizes()).toEqual({ python: 0 });
    expect(await engine.listContainers({ [LABEL_POOL]: sut.poolId })).toEqual([]);
  });

  it('removes every container on drain, also those handed out', async () => {
    sut.start();
    await jest.advanceTimersByTimeAsync(10);
    const claimed = await sut.claim(request('f'));
    sut.discard(claimed!.containerId, 'f');
    await sut.drain();
    expect(engine.containers.size).toBe(0);
    expect(await sut.claim(request('g'))).toBeUndefined();
  });

  it('is off with SANDBOX_POOL_SIZE=0: creates nothing', async () => {
    const off = new SandboxPool(
      loadConfig({ RUNCELL_INSTANCE_ID: 'unit', SANDBOX_POOL_SIZE: '0' }),
      engine,
      seccomp,
    );
    off.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(off.enabled).toBe(false);
    expect(engine.containers.size).toBe(0);
  });
});
