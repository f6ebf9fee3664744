import { randomUUID } from 'node:crypto';
import { ContainerEngine } from '../../src/container-engine';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import {
  SandboxPool,
  SandboxRequest,
  SandboxResult,
  SandboxRunner,
} from '../../src/executions/sandbox';
import { MetricsService } from '../../src/metrics/metrics.service';
import { loadSeccompProfile } from '../../src/executions/sandbox/seccomp-profile';
import { testConfig } from '../support/test-app';

/** Small limits so the suites stay cheap on a shared 2-core machine. */
export const SANDBOX_TEST_OUTPUT_CAP = 64 * 1024;
export const SANDBOX_TEST_PIDS_LIMIT = 32;

export type RunOptions = Partial<SandboxRequest> & Pick<SandboxRequest, 'language' | 'script'>;

/** A small warm pool for the suites that run against pooled sandboxes. */
export const POOLED_SANDBOX_ENV = {
  SANDBOX_POOL_SIZE: '3',
  SANDBOX_POOL_LANGUAGES: 'python=1,javascript=1,bash=1',
};

/** The two ways a program reaches a sandbox; suites that must hold for both run each. */
export const SANDBOX_PATHS = [
  ['cold', {}],
  ['pooled', POOLED_SANDBOX_ENV],
] as const;

/**
 * A runner over the real Docker Engine and sandbox images, with a unique instance id so the
 * leftover check sees only this suite's containers. Every engine call is recorded by name.
 * With `SANDBOX_POOL_SIZE` above 0 in `env` the runner has a started warm pool.
 */
export function sandboxHarness(env: Record<string, string> = {}) {
  const config = testConfig({
    RUNCELL_INSTANCE_ID: `sandbox-test-${randomUUID().slice(0, 8)}`,
    SANDBOX_OUTPUT_CAP: String(SANDBOX_TEST_OUTPUT_CAP),
    SANDBOX_PIDS_LIMIT: String(SANDBOX_TEST_PIDS_LIMIT),
    SANDBOX_POOL_SIZE: '0',
    ...env,
  });
  const docker = new DockerContainerEngine({ host: config.docker.host });
  const engineCalls: string[] = [];
  const engine = new Proxy(docker, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        engineCalls.push(String(property));
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as ContainerEngine;
  const seccomp = loadSeccompProfile();
  const metrics = new MetricsService();
  const pool =
    config.executions.sandboxPool.size > 0
      ? new SandboxPool(config, engine, seccomp, metrics)
      : undefined;
  pool?.start();
  const sut = new SandboxRunner(config, engine, seccomp, pool);

  return {
    config,
    docker,
    engineCalls,
    metrics,
    pool,
    sut,
    run(options: RunOptions): Promise<SandboxResult> {
      return sut.run({
        executionId: randomUUID(),
        timeoutMs: 10_000,
        memoryMb: 128,
        cpus: 0.5,
        ...options,
      });
    },
    /** Containers of this suite still on the engine, running or not, but the warm ones. */
    async leftovers() {
      await pool?.settled();
      const found = await docker.listContainers({ 'runcell.instance': config.docker.instanceId });
      return found.filter((container) => !pool?.owns(container.id));
    },
    /** Every container of this suite, warm ones included. */
    everything() {
      return docker.listContainers({ 'runcell.instance': config.docker.instanceId });
    },
    /** Waits until the pool has `count` warm containers of `language` (at most `timeoutMs`). */
    async warm(language: string, count = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((pool?.sizes()[language] ?? 0) < count) {
        if (Date.now() > deadline)
          throw new Error(`No ${count} warm ${language} sandbox(es) in time`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await pool?.drain();
    },
  };
}

export function durationMs(result: SandboxResult): number {
  return result.finishedAt.getTime() - result.startedAt.getTime();
}

/**
 * A pooled harness (`env`) and a cold one beside it, for comparing the two paths; inside a
 * `describe`, it checks after each test that neither left a container, and closes both at the end.
 */
export function pooledAndColdHarnesses(env: Record<string, string> = POOLED_SANDBOX_ENV) {
  const harness = sandboxHarness(env);
  const cold = sandboxHarness();

  afterEach(async () => {
    expect(await harness.leftovers()).toEqual([]);
    expect(await cold.leftovers()).toEqual([]);
  });

  afterAll(async () => {
    await harness.close();
    await cold.close();
  });

  return { harness, cold };
}
