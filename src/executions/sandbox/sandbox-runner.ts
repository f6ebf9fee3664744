import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectConfig, RuncellConfig } from '../../config';
import {
  CONTAINER_ENGINE,
  ContainerEngine,
  ContainerEngineError,
  runcellLabels,
} from '../../container-engine';
import { LanguageDefinition, languageNamed } from '../../languages/language-registry';
import { compileFailed, readCompileStage } from './compile-stage';
import { frameProgram } from './program-framing';
import { frameWarmRun } from './pooled-sandbox';
import { newRunNonce } from './run-end-record';
import { orphanedSandboxes, toSandboxContainer } from './sandbox-orphans';
import { ClaimedSandbox, SandboxPool } from './sandbox-pool';
import { buildSandboxContainerSpec, SandboxStage, sandboxName } from './sandbox-container.factory';
import { assertValidExecutionId, validateSandboxRequest } from './sandbox-request.validation';
import { SandboxInfrastructureError } from './sandbox.errors';
import {
  SandboxCompileResult,
  SandboxContainer,
  SandboxRequest,
  SandboxResult,
  SandboxRunnerContract,
} from './sandbox.types';
import { SANDBOX_SECCOMP_PROFILE, SeccompProfile } from './seccomp-profile';
import { StageInput, StageOutcome, superviseStage } from './stage-supervisor';

/**
 * Runs one program in a fresh hardened container (see `buildSandboxContainerSpec`) and always
 * removes the container afterwards. Output is read from the attached streams only, never from
 * files inside the sandbox.
 */
@Injectable()
export class SandboxRunner implements SandboxRunnerContract {
  private readonly logger = new Logger(SandboxRunner.name);
  /** Claimed warm sandboxes of unknown executions, by id: when a sweep first saw them. */
  private readonly claimedSuspects = new Map<string, number>();

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    @Inject(SANDBOX_SECCOMP_PROFILE) private readonly seccompProfile: SeccompProfile,
    @Optional() private readonly pool?: SandboxPool,
  ) {}

  async run(request: SandboxRequest): Promise<SandboxResult> {
    validateSandboxRequest(request);
    if (request.signal?.aborted) return cancelledBeforeStart();
    // A retried job may find the sandbox of its earlier attempt.
    if (this.pool?.enabled) await this.pool.removalOf(request.executionId);
    await this.removeSandboxOf(request.executionId);
    const language = languageNamed(request.language);
    const { executions } = this.config;
    let payload = frameProgram(request.script, request.stdin);
    let compile: SandboxCompileResult | null = null;
    let compileStartedAt: Date | undefined;
    if (language.compileCommand) {
      const compiled = await this.runStage(request, language, 'compile', {
        payload: frameProgram(request.script),
        timeoutMs: executions.compileTimeoutMs,
        // The framed build output: a decimal header line and the tar.
        stdoutCap: executions.buildOutputMaxBytes + 16,
        stderrCap: executions.compileOutputCapBytes,
        signal: request.signal,
      });
      if (compiled === 'cancelled-before-start') return cancelledBeforeStart();
      const { result, buildOutput } = readCompileStage(compiled, {
        timeoutMs: executions.compileTimeoutMs,
        memoryMb: executions.compileMemoryMb,
        buildOutputMaxBytes: executions.buildOutputMaxBytes,
      });
      compile = result;
      compileStartedAt = compiled.startedAt;
      if (!buildOutput) return compileFailed(compiled, result);
      payload = frameProgram(buildOutput, request.stdin);
    }
    const ran = await this.runStage(request, language, 'run', {
      payload,
      timeoutMs: request.timeoutMs,
      stdoutCap: executions.outputCapBytes,
      stderrCap: executions.outputCapBytes,
      onOutput: request.onOutput,
      signal: request.signal,
    });
    if (ran === 'cancelled-before-start') return { ...cancelledBeforeStart(), compile };
    return {
      status: ran.status,
      compile,
      exitCode: ran.exitCode,
      stdout: ran.stdout.text(),
      stderr: ran.stderr.text(),
      stdoutTruncated: ran.stdout.truncated,
      stderrTruncated: ran.stderr.truncated,
      oomKilled: ran.oomKilled,
      memoryPeakBytes: ran.memoryPeakBytes,
      cpuMs: ran.cpuMs,
      startedAt: compileStartedAt ?? ran.startedAt,
      finishedAt: ran.finishedAt,
    };
  }

  /** Creates, supervises and always removes the container of one stage. */
  private async runStage(
    request: SandboxRequest,
    language: LanguageDefinition,
    stage: SandboxStage,
    input: StageInput,
  ): Promise<StageOutcome | 'cancelled-before-start'> {
    // With SANDBOX_POOL_SIZE=0 nothing of the pool is on the path.
    if (stage === 'run' && this.pool?.enabled) {
      const warm = await this.pool.claim(request);
      if (warm) return this.runWarm(warm, request, input);
    }
    const name = sandboxName(request.executionId, stage);
    let containerId: string | undefined;
    try {
      containerId = await this.engine.createContainer(
        buildSandboxContainerSpec({
          request,
          language,
          stage,
          image: this.imageFor(language.name),
          labels: runcellLabels(this.config.docker.instanceId, 'sandbox'),
          pidsLimit: this.config.executions.sandboxPidsLimit,
          seccompProfile: this.seccompProfile.content,
          compileMemoryMb: this.config.executions.compileMemoryMb,
          buildBytes: this.config.executions.buildOutputMaxBytes,
        }),
      );
      return await superviseStage(this.engine, containerId, input, this.logger);
    } catch (error) {
      throw toInfrastructureError(error, `Sandbox ${name} failed`);
    } finally {
      await this.removeQuietly(containerId ?? name);
    }
  }

  /** Hands the payload to a claimed warm container; the pool removes it afterwards. */
  private async runWarm(
    { containerId, named }: ClaimedSandbox,
    request: SandboxRequest,
    input: StageInput,
  ): Promise<StageOutcome | 'cancelled-before-start'> {
    const endNonce = newRunNonce();
    try {
      const outcome = await superviseStage(
        this.engine,
        containerId,
        {
          ...input,
          running: true,
          endNonce,
          payload: Buffer.concat([frameWarmRun(endNonce, request.env), input.payload]),
        },
        this.logger,
      );
      // Started with the claim; a run is reported only under the execution's sandbox name.
      await named;
      return outcome;
    } catch (error) {
      throw toInfrastructureError(error, `Sandbox ${sandboxName(request.executionId)} failed`);
    } finally {
      this.pool?.discard(containerId, request.executionId);
    }
  }

  async removeSandboxOf(executionId: string): Promise<boolean> {
    assertValidExecutionId(executionId);
    try {
      const [compile, run] = await Promise.all([
        this.engine.removeContainer(sandboxName(executionId, 'compile')),
        this.engine.removeContainer(sandboxName(executionId)),
      ]);
      return compile || run;
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
      return found.map(toSandboxContainer);
    } catch (error) {
      throw toInfrastructureError(error, 'Listing sandboxes failed');
    }
  }

  async removeOrphans(
    knownExecutionIds: Iterable<string>,
    options: { minAgeMs?: number } = {},
  ): Promise<string[]> {
    const orphans = orphanedSandboxes(await this.listSandboxes(), {
      known: new Set(knownExecutionIds),
      now: Date.now(),
      minAgeMs: options.minAgeMs ?? 0,
      ownPool: this.pool,
      poolIdleMs: this.config.executions.sandboxPool.idleMs,
      suspects: this.claimedSuspects,
    });
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

  private imageFor(language: string): string {
    const { sandboxImagePrefix, sandboxImageTag } = this.config.executions;
    return `${sandboxImagePrefix}${language}:${sandboxImageTag}`;
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
    compile: null,
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
