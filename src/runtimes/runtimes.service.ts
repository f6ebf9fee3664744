import { waitAtMost } from '../common/deadline';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectConfig, RuncellConfig } from '../config';
import { ContainerEngineError } from '../container-engine';
import { BuildArtifact, BuildRunner, isSet } from './builds/build-runner.service';
import { BuildRecord, BuildTracker } from './builds/build-tracker.service';
import { BuildLogEntry } from './builds/build-output';
import { RuntimeContainerService } from './containers/runtime-container.service';
import { ExecutorError, ExecutorErrorType } from './http/executor-error';
import { CreateRuntimeParams, RuntimeStartParams } from './params/runtime-params';
import {
  nowSeconds,
  RuntimeEntry,
  RuntimeRegistry,
  RuntimeRow,
} from './registry/runtime-registry.service';

export interface CreateRuntimeResult {
  output: BuildLogEntry[];
  startTime: number;
  duration: number;
  size?: number;
  path?: string;
}

/** What a create with a build step produced. */
interface BuildResult {
  output: BuildLogEntry[];
  artifact?: BuildArtifact;
}

const REMOVE_DELAY_MS = 2_000;
/** Docker's container name rule; the name is also a folder name under the work folder. */
const DOCKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Create, list, get and delete runtimes (§1.2–1.5); also the start used by cold starts. */
@Injectable()
export class RuntimesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RuntimesService.name);
  private readonly starting = new Map<string, Promise<void>>();
  /** Starts cut short by a shutdown that ran out of time; their callers get a clear error. */
  private readonly aborted = new WeakSet<RuntimeEntry>();
  private accepting = true;

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly registry: RuntimeRegistry,
    private readonly containers: RuntimeContainerService,
    private readonly builds: BuildRunner,
    private readonly buildLogs: BuildTracker,
  ) {}

  onModuleInit(): void {
    if (this.config.executor.secret === '') {
      this.logger.warn('The executor secret is empty: every authenticated /v1 call is rejected');
    }
  }

  onModuleDestroy(): void {
    this.accepting = false;
  }

  runtimeName(runtimeId: string): string {
    return `${this.config.executor.hostname}-${runtimeId}`;
  }

  async create(params: CreateRuntimeParams): Promise<CreateRuntimeResult> {
    const startTime = nowSeconds();
    const building = isSet(params.command) || isSet(params.destination);
    const result = (await this.begin(params, building ? params : undefined)) ?? { output: [] };
    if (params.remove) {
      // Upstream sleeps 2 s so log streams catch up; a build waits for its streams instead.
      if (building) await this.buildLogs.drain(this.runtimeName(params.runtimeId));
      else await sleep(REMOVE_DELAY_MS);
      await this.discard(this.runtimeName(params.runtimeId));
    }
    return {
      output: result.output,
      startTime,
      duration: nowSeconds() - startTime,
      ...(result.artifact ? { size: result.artifact.size, path: result.artifact.path } : {}),
    };
  }

  /**
   * Registers a pending row (synchronously, so a concurrent create sees it) and runs the
   * container. On failure the container, the work folder and the row are removed.
   */
  async start(params: RuntimeStartParams): Promise<void> {
    await this.begin(params);
  }

  private begin(
    params: RuntimeStartParams,
    build?: CreateRuntimeParams,
  ): Promise<BuildResult | undefined> {
    this.assertAccepting();
    this.assertImageAllowed(params.image);
    const name = this.runtimeName(params.runtimeId);
    if (!DOCKER_NAME.test(name)) {
      throw new ExecutorError(
        ExecutorErrorType.EXECUTION_BAD_REQUEST,
        'Runtime ID may only contain letters, numbers, dots, underscores and hyphens.',
      );
    }
    const existing = this.registry.get(name);
    if (existing) {
      throw new ExecutorError(
        ExecutorErrorType.RUNTIME_CONFLICT,
        existing.row.status === 'pending'
          ? 'A runtime with the same ID is already being created. Attempt a execution soon.'
          : undefined,
      );
    }
    const now = nowSeconds();
    const entry: RuntimeEntry = {
      row: {
        version: params.version,
        created: now,
        updated: now,
        name,
        hostname: randomBytes(16).toString('hex'),
        status: 'pending',
        key: randomBytes(16).toString('hex'),
        listening: 0,
        image: params.image,
        initialised: 0,
      },
      inFlight: 0,
    };
    this.registry.set(entry);
    // Tracked from now on, so a log stream opened before or during the build follows this build.
    const record =
      build && isSet(build.command) ? this.buildLogs.begin(name, params.version) : undefined;
    const started = this.launch(entry, params, build, record).finally(() => {
      this.starting.delete(name);
      if (record) void this.buildLogs.forget(record);
    });
    const settled = started.then(() => undefined);
    settled.catch(() => undefined);
    this.starting.set(name, settled);
    return started;
  }

  /** Creates, builds and cold starts still running. */
  startsInProgress(): number {
    return this.starting.size;
  }

  /**
   * Cuts every start still running short (shutdown timeout): removes its container, so its
   * caller gets a 503 and nothing is left behind, and waits (bounded) for them to settle.
   */
  async abortStarts(limitMs: number): Promise<string[]> {
    const names = [...this.starting.keys()];
    for (const name of names) {
      const entry = this.registry.get(name);
      if (entry) this.aborted.add(entry);
      await this.containers.remove(name).catch(() => false);
    }
    await waitAtMost(Promise.allSettled([...this.starting.values()]), limitMs);
    return names;
  }

  /** The start in progress for `name`, if any. */
  startInProgress(name: string): Promise<void> | undefined {
    return this.starting.get(name);
  }

  list(): RuntimeRow[] {
    return this.registry.rows();
  }

  get(runtimeId: string): RuntimeRow {
    const entry = this.registry.get(this.runtimeName(runtimeId));
    if (!entry) throw new ExecutorError(ExecutorErrorType.RUNTIME_NOT_FOUND);
    return { ...entry.row };
  }

  async delete(runtimeId: string): Promise<void> {
    const name = this.runtimeName(runtimeId);
    if (!this.registry.has(name)) throw new ExecutorError(ExecutorErrorType.RUNTIME_NOT_FOUND);
    try {
      await this.containers.remove(name);
    } catch (error) {
      const status = error instanceof ContainerEngineError ? (error.statusCode ?? 500) : 500;
      throw ExecutorError.generic(
        `Failed to remove container: ${(error as Error).message} Response Code: ${status}`,
      );
    }
    this.registry.remove(name);
    // Nothing can write to them any more; a later runtime of this id starts with fresh ones.
    await this.containers.removeFolders(name).catch(() => undefined);
  }

  private async launch(
    entry: RuntimeEntry,
    params: RuntimeStartParams,
    build?: CreateRuntimeParams,
    record?: BuildRecord,
  ): Promise<BuildResult | undefined> {
    const name = entry.row.name;
    const hasCommand = build !== undefined && isSet(build.command);
    const request = {
      name,
      hostname: entry.row.hostname,
      secret: entry.row.key,
      params,
      forBuild: hasCommand,
      withCache: build !== undefined && BuildRunner.usesCache(build),
    };
    const startedAt = nowSeconds();
    try {
      const paths = await this.containers.prepare(request);
      const warnings = build ? await this.builds.restoreCache(build, paths) : [];
      const container = await this.containers.run(request);
      let result: BuildResult | undefined;
      if (build) {
        const output = hasCommand ? await this.builds.run(container.containerId, build, paths) : [];
        warnings.push(...(await this.builds.storeCache(build, paths)));
        result = { output: [...warnings, ...output] };
        if (isSet(build.destination)) {
          result.artifact = await this.builds.uploadArtifact(build.destination, paths);
        }
      }
      if (this.registry.get(name) !== entry || this.aborted.has(entry)) {
        throw new ExecutorError(ExecutorErrorType.RUNTIME_NOT_FOUND, 'Runtime no longer exists.');
      }
      entry.endpoint = container.endpoint;
      entry.row.status = `Up ${formatRounded(nowSeconds() - startedAt)}s`;
      entry.row.initialised = 1;
      entry.row.updated = nowSeconds();
      // Streams end with the build's answer, as they do after a failure (below).
      if (record) this.buildLogs.finish(record);
      return result;
    } catch (error) {
      if (record) this.buildLogs.finish(record);
      if (this.registry.get(name) === entry || !this.registry.has(name)) {
        await this.containers.remove(name).catch(() => false);
        // A failed build keeps its log until the streams following it have sent the last lines.
        if (record) await this.buildLogs.drain(name);
        await this.containers.removeFolders(name).catch(() => undefined);
      }
      this.registry.remove(name, entry);
      if (this.aborted.has(entry)) {
        throw ExecutorError.generic(
          'The executor shut down before the runtime was ready; nothing was kept.',
          503,
        );
      }
      throw error;
    }
  }

  private async discard(name: string): Promise<void> {
    await this.containers.remove(name).catch(() => false);
    await this.containers.removeFolders(name).catch(() => undefined);
    this.registry.remove(name);
  }

  private assertAccepting(): void {
    if (!this.accepting) throw ExecutorError.generic('The executor is shutting down.', 503);
  }

  private assertImageAllowed(image: string): void {
    const allowed = this.config.executor.runtimes;
    if (allowed.length > 0 && !allowed.includes(image)) {
      throw new ExecutorError(
        ExecutorErrorType.EXECUTION_BAD_REQUEST,
        `Image "${image}" is not allowed by this executor.`,
      );
    }
  }
}

function formatRounded(seconds: number): string {
  return String(Math.round(seconds * 100) / 100);
}
