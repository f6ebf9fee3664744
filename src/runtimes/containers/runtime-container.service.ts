import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InjectConfig, RuncellConfig } from '../../config';
import {
  CONTAINER_ENGINE,
  ContainerEngine,
  ContainerEngineError,
  ContainerSpec,
  runcellLabels,
} from '../../container-engine';
import { RuntimeEndpoint } from '../executions/runtime-endpoint';
import { ExecutorError } from '../http/executor-error';
import { RuntimeStartParams } from '../params/runtime-params';
import { SOURCE_FETCHER, SourceFetcher } from '../source/source-fetcher';
import { buildRuntimeEnv } from './runtime-env';
import { RuntimeNetworks } from './runtime-networks.service';
import { RuntimePaths } from './runtime-paths';

export const LABEL_EXECUTOR = 'openruntimes-executor';
export const LABEL_RUNTIME_ID = 'openruntimes-runtime-id';
/** The protocol version (v2, v4, v5), so a restarted executor adopts the runtime as what it is. */
export const LABEL_RUNTIME_VERSION = 'runcell.runtime-version';
const MEGABYTE = 1_000_000;

export interface RuntimeContainerRequest {
  name: string;
  hostname: string;
  secret: string;
  params: RuntimeStartParams;
  /** Keep the container idle (`tail -f /dev/null`) for a build command run with exec. */
  forBuild?: boolean;
  /** Create the cache folder and mount it at `/cache` (cached builds). */
  withCache?: boolean;
}

export interface RunningRuntimeContainer {
  containerId: string;
  /** Where the runtime listens on port 3000, verified against the engine on every connection. */
  endpoint: RuntimeEndpoint;
}

/**
 * Builds and runs runtime containers (§3): work folders, source copy, env, mounts, limits,
 * labels and network. The build step of `POST /v1/runtimes` extends this.
 */
@Injectable()
export class RuntimeContainerService {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    @Inject(SOURCE_FETCHER) private readonly sources: SourceFetcher,
    private readonly networks: RuntimeNetworks,
  ) {}

  paths(name: string): RuntimePaths {
    return new RuntimePaths(this.config.executor.tmpDir, name);
  }

  /** Effective limits: the requested ones raised to the configured floors. */
  limits(params: { cpus: number; memory: number }): { cpus: number; memory: number } {
    return {
      cpus: Math.max(params.cpus, this.config.executor.minCpus),
      memory: Math.max(params.memory, this.config.executor.minMemoryMb),
    };
  }

  /**
   * Makes the runtime's work folders anew: whatever an earlier runtime of the same name left
   * there (symlinks included) is removed first, and every folder is created exclusively, so
   * nothing this start writes goes through a path that existed before it.
   */
  async prepareFolders(request: RuntimeContainerRequest): Promise<RuntimePaths> {
    const paths = this.paths(request.name);
    try {
      await rm(paths.root, { recursive: true, force: true });
      await mkdir(dirname(paths.root), { recursive: true });
      await mkdir(paths.root, { mode: 0o755 });
      const folders = [paths.src, paths.builds, paths.logs, paths.logging];
      if (request.withCache) folders.push(paths.cache);
      for (const folder of folders) {
        await mkdir(folder);
      }
    } catch {
      throw ExecutorError.generic('Failed to create temporary directory');
    }
    const source = request.params.source;
    if (source !== '' && source !== '0') {
      try {
        await this.sources.fetch(source, paths.sourceArchive(source));
      } catch {
        throw ExecutorError.generic('Failed to copy source code to temporary directory');
      }
    }
    return paths;
  }

  /**
   * The work folders and the image check at once: they are independent, and a cold start waits
   * for both before the container can be created. A folder failure is reported first.
   */
  async prepare(request: RuntimeContainerRequest): Promise<RuntimePaths> {
    const image = this.ensureImage(request.params.image);
    // Awaited below; without a handler its failure would be unhandled while the folders fail.
    image.catch(() => undefined);
    const paths = await this.prepareFolders(request);
    await image;
    return paths;
  }

  private async ensureImage(image: string): Promise<void> {
    try {
      await this.engine.ensureImage(image, { pull: this.config.executor.imagePull });
    } catch (error) {
      throw ExecutorError.generic(engineMessage(error, `Missing image "${image}"`));
    }
  }

  /** Creates and starts the container; `prepare` has checked its image. */
  async run(request: RuntimeContainerRequest): Promise<RunningRuntimeContainer> {
    const network = this.networks.pick();
    const spec = this.containerSpec(request, this.paths(request.name), network);
    let containerId: string;
    try {
      containerId = await this.engine.createContainer(spec);
      await this.engine.startContainer(containerId);
    } catch (error) {
      await this.engine.removeContainer(request.name).catch(() => false);
      throw ExecutorError.generic(engineMessage(error, 'Failed to create runtime'));
    }
    const endpoint = new RuntimeEndpoint(this.engine, containerId, network, undefined);
    await endpoint.verify().catch(() => undefined);
    return { containerId, endpoint };
  }

  containerSpec(
    request: RuntimeContainerRequest,
    paths: RuntimePaths,
    network: string | undefined,
  ): ContainerSpec {
    const { params } = request;
    const { cpus, memory } = this.limits(params);
    const hardening = this.config.executor.runtimeHardening;
    const v2 = params.version === 'v2';
    const binds = [`${paths.src}:/tmp:rw`];
    if (v2) {
      binds.push(`${paths.builds}:/usr/code:rw`);
    } else {
      binds.push(
        `${paths.builds}:/mnt/code:rw`,
        `${paths.logs}:/mnt/logs:rw`,
        `${paths.logging}:/tmp/logging:rw`,
      );
    }
    if (request.withCache) binds.push(`${paths.cache}:/cache:rw`);
    let cmd: string[] | undefined;
    const runtimeEntrypoint = params.runtimeEntrypoint;
    if (runtimeEntrypoint !== '' && runtimeEntrypoint !== '0') {
      cmd = ['bash', '-c', runtimeEntrypoint];
    } else if (!v2 || request.forBuild) {
      cmd = ['tail', '-f', '/dev/null'];
    }
    return {
      image: params.image,
      name: request.name,
      hostname: request.hostname,
      cmd,
      env: buildRuntimeEnv({
        version: params.version,
        variables: params.variables,
        secret: request.secret,
        entrypoint: params.entrypoint,
        executorHostname: this.config.executor.hostname,
        cpus,
        memory,
        outputDirectory: params.outputDirectory,
      }),
      labels: {
        [LABEL_EXECUTOR]: this.config.executor.hostname,
        [LABEL_RUNTIME_ID]: params.runtimeId,
        [LABEL_RUNTIME_VERSION]: params.version,
        ...runcellLabels(this.config.docker.instanceId, 'runtime'),
      },
      workingDir: v2 ? '/usr/code' : undefined,
      binds,
      network,
      cpus,
      memoryBytes: memory * MEGABYTE,
      memorySwapBytes: memory > 0 ? (memory + hardening.swapMb) * MEGABYTE : undefined,
      pidsLimit: hardening.pidsLimit,
      capDrop: ['ALL'],
      capAdd: hardening.capabilities,
      securityOpt: hardening.noNewPrivileges ? ['no-new-privileges'] : undefined,
      restartPolicy: params.restartPolicy,
    };
  }

  /** Force-removes the container; false when there was none. */
  async remove(name: string): Promise<boolean> {
    return this.engine.removeContainer(name);
  }

  async removeFolders(name: string): Promise<void> {
    await rm(this.paths(name).root, { recursive: true, force: true });
  }
}

function engineMessage(error: unknown, fallback: string): string {
  if (error instanceof ExecutorError) return error.message;
  if (error instanceof ContainerEngineError) return error.message;
  return fallback;
}
