import { randomUUID } from 'node:crypto';
import { ContainerEngine } from '../../src/container-engine';
import { DockerContainerEngine } from '../../src/container-engine/docker/docker-container-engine';
import { SandboxRequest, SandboxResult, SandboxRunner } from '../../src/executions/sandbox';
import { loadSeccompProfile } from '../../src/executions/sandbox/seccomp-profile';
import { testConfig } from '../support/test-app';

/** Small limits so the suites stay cheap on a shared 2-core machine. */
export const SANDBOX_TEST_OUTPUT_CAP = 64 * 1024;
export const SANDBOX_TEST_PIDS_LIMIT = 32;

export type RunOptions = Partial<SandboxRequest> & Pick<SandboxRequest, 'language' | 'script'>;

/**
 * A runner over the real Docker Engine and sandbox images, with a unique instance id so the
 * leftover check sees only this suite's containers. Every engine call is recorded by name.
 */
export function sandboxHarness(env: Record<string, string> = {}) {
  const config = testConfig({
    RUNCELL_INSTANCE_ID: `sandbox-test-${randomUUID().slice(0, 8)}`,
    SANDBOX_OUTPUT_CAP: String(SANDBOX_TEST_OUTPUT_CAP),
    SANDBOX_PIDS_LIMIT: String(SANDBOX_TEST_PIDS_LIMIT),
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
  const sut = new SandboxRunner(config, engine, loadSeccompProfile());

  return {
    config,
    docker,
    engineCalls,
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
    /** Containers of this suite still on the engine, running or not. */
    leftovers() {
      return docker.listContainers({ 'runcell.instance': config.docker.instanceId });
    },
  };
}

export function durationMs(result: SandboxResult): number {
  return result.finishedAt.getTime() - result.startedAt.getTime();
}
