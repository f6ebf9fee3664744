import { settleWithin } from '../../common/deadline';
import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShutdownState } from '../../common/lifecycle/shutdown-state';
import { InjectConfig, RuncellConfig } from '../../config';
import { RuntimeContainerService } from '../containers/runtime-container.service';
import { RuntimePaths } from '../containers/runtime-paths';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { CreateExecutionParams } from '../params/runtime-params';
import { nowSeconds, RuntimeEntry, RuntimeRegistry } from '../registry/runtime-registry.service';
import { RuntimesService } from '../runtimes.service';
import { collapseHeaders, ExecutionResult } from './execution-result';
import { waitForPort } from './port-probe';
import {
  RuntimeHttpRequest,
  RuntimeResponseTooLargeError,
  RuntimeTransportError,
  sendRuntimeRequest,
} from './runtime-http-client';
import {
  RUNTIME_PORT,
  RuntimeOutcome,
  RuntimeTarget,
  v2Outcome,
  v2Request,
  v5Outcome,
  v5Request,
} from './runtime-protocol';

const COLD_START_RETRY_MS = 500;
const PENDING_POLL_MS = 20;

export interface ExecutionOptions {
  /** False for response formats before 0.11.0: repeated headers collapse to the last value. */
  headerArrays: boolean;
}

/** `POST /v1/runtimes/:id/executions` (§1.6): cold start, readiness wait, forward, collect. */
@Injectable()
export class RuntimeExecutionsService {
  /** The work folders of each runtime, built once instead of on every execution. */
  private readonly pathsOfEntry = new WeakMap<RuntimeEntry, RuntimePaths>();

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly registry: RuntimeRegistry,
    private readonly runtimes: RuntimesService,
    private readonly containers: RuntimeContainerService,
    private readonly shutdown: ShutdownState,
  ) {}

  async execute(
    params: CreateExecutionParams,
    options: ExecutionOptions,
  ): Promise<ExecutionResult> {
    if (this.shutdown.draining) throw ExecutorError.generic('The executor is shutting down.', 503);
    const deadline = Date.now() + params.timeout * 1000;
    const name = this.runtimes.runtimeName(params.runtimeId);

    if (!this.registry.has(name)) {
      await this.coldStart({ ...params, variables: this.withExecutorHostname(params) }, deadline);
    }
    const current = this.registry.get(name);
    if (current) current.row.updated = Math.floor(nowSeconds());
    const entry = this.startedEntry(name) ?? (await this.waitUntilStarted(name, deadline));
    entry.inFlight++;
    try {
      return await this.run(entry, params, options, deadline);
    } finally {
      entry.inFlight--;
      entry.row.updated = nowSeconds();
    }
  }

  private async run(
    entry: RuntimeEntry,
    params: CreateExecutionParams,
    options: ExecutionOptions,
    deadline: number,
  ): Promise<ExecutionResult> {
    const startTime = nowSeconds();
    const target = this.target(entry);
    if (entry.row.listening === 0) {
      if (!(await waitForPort(target.address, RUNTIME_PORT, deadline))) {
        throw new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT);
      }
      entry.row.listening = 1;
    }
    const remainingSeconds = Math.max((deadline - Date.now()) / 1000, 0);
    const outcome = await this.forward(target, params, remainingSeconds, entry);
    entry.row.updated = nowSeconds();
    return {
      ...outcome,
      headers: options.headerArrays ? outcome.headers : collapseHeaders(outcome.headers),
      duration: nowSeconds() - startTime,
      startTime,
    };
  }

  /**
   * Starts a missing runtime from the execution's parameters. A start already in progress (here
   * or by another request) is waited for instead; failures worth retrying are retried until the
   * timeout, as the PHP executor's create loop does.
   */
  private async coldStart(params: CreateExecutionParams, deadline: number): Promise<void> {
    if (params.image === '' || params.source === '' || params.source === '0') {
      throw new ExecutorError(
        ExecutorErrorType.RUNTIME_NOT_FOUND,
        'Runtime not found. Please start it first or provide runtime-related parameters.',
      );
    }
    const name = this.runtimes.runtimeName(params.runtimeId);
    for (;;) {
      if (this.registry.has(name)) return;
      try {
        await withDeadline(
          this.runtimes.start({
            runtimeId: params.runtimeId,
            image: params.image,
            source: params.source,
            entrypoint: params.entrypoint,
            variables: params.variables,
            cpus: params.cpus,
            memory: params.memory,
            version: params.version,
            restartPolicy: params.restartPolicy,
            runtimeEntrypoint: params.runtimeEntrypoint,
            outputDirectory: '',
          }),
          deadline,
        );
        return;
      } catch (error) {
        if (!(error instanceof ExecutorError)) throw error;
        if (error.type === ExecutorErrorType.RUNTIME_CONFLICT) return;
        if (error.type === ExecutorErrorType.RUNTIME_TIMEOUT) throw error;
        if (error.status < 500) {
          throw ExecutorError.generic(
            `An internal curl error has occurred while starting runtime! Error Msg: ${error.message}`,
          );
        }
        if (Date.now() + COLD_START_RETRY_MS >= deadline) {
          throw new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT);
        }
        await sleep(COLD_START_RETRY_MS);
      }
    }
  }

  /** The runtime when it is up with no start in progress: the warm path, without an await. */
  private startedEntry(name: string): RuntimeEntry | undefined {
    if (this.runtimes.startInProgress(name)) return undefined;
    const entry = this.registry.get(name);
    return entry && entry.row.status !== 'pending' ? entry : undefined;
  }

  private async waitUntilStarted(name: string, deadline: number): Promise<RuntimeEntry> {
    const inProgress = this.runtimes.startInProgress(name);
    if (inProgress)
      await withDeadline(
        inProgress.catch(() => undefined),
        deadline,
      );
    for (;;) {
      const entry = this.registry.get(name);
      if (!entry) {
        throw new ExecutorError(ExecutorErrorType.RUNTIME_NOT_FOUND, 'Runtime no longer exists.');
      }
      if (entry.row.status !== 'pending') return entry;
      if (Date.now() >= deadline) throw new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT);
      await sleep(PENDING_POLL_MS);
    }
  }

  private target(entry: RuntimeEntry): RuntimeTarget {
    if (!entry.endpoint) {
      throw new ExecutorError(
        ExecutorErrorType.RUNTIME_NOT_FOUND,
        'Runtime secret not found. Please re-create the runtime.',
        500,
      );
    }
    return {
      // Connections go through the endpoint's agent, which verifies the address of each one.
      address: entry.endpoint.address ?? entry.row.name,
      agent: entry.endpoint.connections,
      maxResponseBytes: this.config.executor.maxResponseSize,
      hostname: entry.row.hostname,
      secret: entry.row.key,
      paths: this.paths(entry),
    };
  }

  private paths(entry: RuntimeEntry): RuntimePaths {
    let paths = this.pathsOfEntry.get(entry);
    if (!paths) {
      paths = this.containers.paths(entry.row.name);
      this.pathsOfEntry.set(entry, paths);
    }
    return paths;
  }

  private async forward(
    target: RuntimeTarget,
    params: CreateExecutionParams,
    remainingSeconds: number,
    entry: RuntimeEntry,
  ): Promise<RuntimeOutcome> {
    const v2 = entry.row.version === 'v2';
    // v2 runtimes get the variables with each execution; v4/v5 only when they are started.
    const request = v2
      ? v2Request(
          target,
          { ...params, variables: this.withExecutorHostname(params) },
          remainingSeconds,
        )
      : v5Request(target, params, remainingSeconds);
    const response = await this.sendWithRetries(request, remainingSeconds);
    return v2 ? v2Outcome(response) : v5Outcome(target, response, params.logging);
  }

  private withExecutorHostname(params: CreateExecutionParams): Record<string, string> {
    return { ...params.variables, INERNAL_EXECUTOR_HOSTNAME: this.config.executor.hostname };
  }

  /** Retries "cannot resolve/connect" until both the attempts and the remaining time are spent. */
  private async sendWithRetries(request: RuntimeHttpRequest, remainingSeconds: number) {
    const startedAt = Date.now();
    const { retryAttempts, retryDelayMs } = this.config.executor;
    for (let attempt = 1; ; attempt++) {
      try {
        return await sendRuntimeRequest(request);
      } catch (error) {
        if (error instanceof RuntimeResponseTooLargeError) {
          throw new ExecutorError(
            ExecutorErrorType.RUNTIME_FAILED,
            `Execution response is larger than the limit of ${formatBytes(error.limit)}.`,
            500,
          );
        }
        if (!(error instanceof RuntimeTransportError)) throw error;
        const timeLeft = Date.now() - startedAt < remainingSeconds * 1000;
        if (error.retryable && (attempt < retryAttempts || timeLeft)) {
          await sleep(retryDelayMs);
          continue;
        }
        throw ExecutorError.generic(
          `Internal curl error has occurred within the executor! Error Number: ${error.errno}`,
        );
      }
    }
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Waits for `promise` until `deadline` (epoch ms), then fails with `runtime_timeout`. */
function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  return settleWithin(
    promise,
    deadline - Date.now(),
    () => new ExecutorError(ExecutorErrorType.RUNTIME_TIMEOUT),
  );
}
