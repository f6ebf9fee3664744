import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../../config';
import {
  Attachment,
  CONTAINER_ENGINE,
  ContainerEngine,
  ContainerEngineError,
  runcellLabels,
  StatsStream,
} from '../../container-engine';
import { frameProgram } from './program-framing';
import { OutputCollector } from './output-collector';
import {
  buildSandboxContainerSpec,
  LABEL_EXECUTION_ID,
  sandboxName,
} from './sandbox-container.factory';
import { assertValidExecutionId, validateSandboxRequest } from './sandbox-request.validation';
import { classifyRun, RunnerEnding } from './sandbox-result';
import { SandboxInfrastructureError } from './sandbox.errors';
import {
  SandboxContainer,
  SandboxRequest,
  SandboxResult,
  SandboxRunnerContract,
} from './sandbox.types';
import { SANDBOX_SECCOMP_PROFILE, SeccompProfile } from './seccomp-profile';
import { UsageMonitor } from './usage-monitor';

/** How long past the timeout a container may take to report its exit before we give up on it. */
const EXIT_GRACE_MS = 15_000;
/** How long the output streams may take to drain after the main process exited. */
const OUTPUT_DRAIN_MS = 2_000;

/**
 * Runs one program in a fresh hardened container (see `buildSandboxContainerSpec`) and always
 * removes the container afterwards. Output is read from the attached streams only, never from
 * files inside the sandbox.
 */
@Injectable()
export class SandboxRunner implements SandboxRunnerContract {
  private readonly logger = new Logger(SandboxRunner.name);

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    @Inject(SANDBOX_SECCOMP_PROFILE) private readonly seccompProfile: SeccompProfile,
  ) {}

  async run(request: SandboxRequest): Promise<SandboxResult> {
    validateSandboxRequest(request);
    const name = sandboxName(request.executionId);
    if (request.signal?.aborted) return cancelledBeforeStart();
    // A retried job may find the sandbox of its earlier attempt.
    await this.removeSandboxOf(request.executionId);
    let containerId: string | undefined;
    try {
      containerId = await this.engine.createContainer(
        buildSandboxContainerSpec({
          request,
          image: this.imageFor(request.language),
          labels: runcellLabels(this.config.docker.instanceId, 'sandbox'),
          pidsLimit: this.config.executions.sandboxPidsLimit,
          seccompProfile: this.seccompProfile.content,
        }),
      );
      return await this.supervise(containerId, request);
    } catch (error) {
      throw toInfrastructureError(error, `Sandbox ${name} failed`);
    } finally {
      await this.removeQuietly(containerId ?? name);
    }
  }

  async removeSandboxOf(executionId: string): Promise<boolean> {
    assertValidExecutionId(executionId);
    try {
      return await this.engine.removeContainer(sandboxName(executionId));
    } catch (error) {
      throw toInfrastructureError(error, `Removing the sandbox of execution ${executionId} failed`);
    }
  }

  async listSandboxes(): Promise<SandboxContainer[]> {
    try {
      const found = await this.engine.listContainers(
        runcellLabels(this.config.docker.instanceId, 'sandbox'),
        { all: true },
      );
      return found.map((container) => ({
        containerId: container.id,
        name: container.name,
        executionId: container.labels[LABEL_EXECUTION_ID] ?? null,
        state: container.state,
        createdAt: container.createdAt,
      }));
    } catch (error) {
      throw toInfrastructureError(error, 'Listing sandboxes failed');
    }
  }

  async removeOrphans(
    knownExecutionIds: Iterable<string>,
    options: { minAgeMs?: number } = {},
  ): Promise<string[]> {
    const known = new Set(knownExecutionIds);
    const bornBefore = Date.now() - (options.minAgeMs ?? 0);
    const orphans = (await this.listSandboxes()).filter(
      (sandbox) =>
        (sandbox.executionId === null || !known.has(sandbox.executionId)) &&
        sandbox.createdAt.getTime() <= bornBefore,
    );
    const removed: string[] = [];
    for (const orphan of orphans) {
      try {
        if (await this.engine.removeContainer(orphan.containerId)) removed.push(orphan.name);
      } catch (error) {
        throw toInfrastructureError(error, `Removing orphaned sandbox ${orphan.name} failed`);
      }
    }
    if (removed.length > 0) this.logger.warn(`Removed orphaned sandboxes: ${removed.join(', ')}`);
    return removed;
  }

  private imageFor(language: SandboxRequest['language']): string {
    const { sandboxImagePrefix, sandboxImageTag } = this.config.executions;
    return `${sandboxImagePrefix}${language}:${sandboxImageTag}`;
  }

  private async supervise(containerId: string, request: SandboxRequest): Promise<SandboxResult> {
    const cap = this.config.executions.outputCapBytes;
    const stdout = new OutputCollector(cap, (chunk) => request.onOutput?.('stdout', chunk));
    const stderr = new OutputCollector(cap, (chunk) => request.onOutput?.('stderr', chunk));
    const usage = new UsageMonitor();
    let ending: RunnerEnding;
    let exited = false;
    let timer: NodeJS.Timeout | undefined;
    let stats: StatsStream | undefined;
    const end = (reason: Exclude<RunnerEnding, undefined>) => {
      if (exited || ending) return;
      ending = reason;
      this.engine.killContainer(containerId, 'SIGKILL').catch((error: unknown) => {
        this.logger.warn(`Killing sandbox ${containerId} failed: ${String(error)}`);
      });
    };
    const onAbort = () => end('cancelled');

    const attachment: Attachment = await this.engine.attach(
      containerId,
      { onStdout: (chunk) => stdout.append(chunk), onStderr: (chunk) => stderr.append(chunk) },
      { stdin: true },
    );
    try {
      if (request.signal?.aborted) return cancelledBeforeStart();
      await this.engine.startContainer(containerId);
      const startedAt = new Date();
      timer = setTimeout(() => end('timeout'), request.timeoutMs);
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (request.signal?.aborted) onAbort();
      attachment.stdin?.write(frameProgram(request.script, request.stdin));
      attachment.stdin?.end();
      stats = await this.engine
        .streamStats(containerId, (sample) => usage.record(sample))
        .catch(() => undefined);

      const { exitCode } = await settleWithin(
        this.engine.waitContainer(containerId),
        request.timeoutMs + EXIT_GRACE_MS,
        () => new SandboxInfrastructureError(`Sandbox ${containerId} did not stop after its kill`),
      );
      exited = true;
      const finishedAt = new Date();
      await waitAtMost(attachment.ended, OUTPUT_DRAIN_MS);
      const info = await this.engine.inspectContainer(containerId);
      return {
        status: classifyRun(ending, exitCode),
        exitCode,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        oomKilled: info?.oomKilled ?? false,
        ...usage.usage(),
        startedAt,
        finishedAt,
      };
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      stats?.stop();
      attachment.detach();
    }
  }

  private async removeQuietly(idOrName: string): Promise<void> {
    try {
      await this.engine.removeContainer(idOrName);
    } catch (error) {
      // The maintenance job's removeOrphans catches what is left behind here.
      this.logger.error(`Removing sandbox ${idOrName} failed: ${String(error)}`);
    }
  }
}

function cancelledBeforeStart(): SandboxResult {
  const now = new Date();
  return {
    status: 'cancelled',
    exitCode: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    oomKilled: false,
    memoryPeakBytes: null,
    cpuMs: null,
    startedAt: now,
    finishedAt: now,
  };
}

function toInfrastructureError(error: unknown, context: string): Error {
  if (error instanceof SandboxInfrastructureError) return error;
  if (error instanceof ContainerEngineError) {
    return new SandboxInfrastructureError(`${context}: ${error.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Settles like `promise`, or rejects with `timeoutError()` after `ms`. */
async function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
  timeoutError: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `promise` (ignoring its failure) but no longer than `ms`. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise.catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
