import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { InjectConfig, RuncellConfig } from '../../config';
import { MetricsService } from '../../metrics/metrics.service';
import { TasksService } from '../../tasks/tasks.service';
import { ExecutionEntity } from '../execution.entity';
import { ExecutionRecordsService } from '../execution-records.service';
import type { ExecutionOutcome } from '../executions.repository';
import { CancellationBus } from '../live-output/cancellation-bus';
import { ExecutionOutputStore } from '../live-output/execution-output.store';
import { LiveOutputPublisher } from '../live-output/live-output-publisher';
import { SANDBOX_RUNNER } from '../sandbox-runner.token';
import { InvalidSandboxRequestError } from '../sandbox/sandbox.errors';
import type { SandboxResult, SandboxRunnerContract } from '../sandbox/sandbox.types';

export type RunVerdict =
  /** Done: the row holds a terminal status (or was already closed by someone else). */
  | { kind: 'done' }
  /** The user is at the running cap: try again shortly. */
  | { kind: 'capped' }
  /** The infrastructure failed; the row is back to pending (or failed, on the last attempt). */
  | { kind: 'infrastructure'; error: Error };

/** Runs one claimed execution in a sandbox and records its outcome. Used by the queue worker. */
@Injectable()
export class ExecutionRunService {
  private readonly logger = new Logger('ExecutionRun');
  readonly workerId = `${hostname()}-${process.pid}`;

  constructor(
    private readonly executions: ExecutionRecordsService,
    private readonly tasks: TasksService,
    private readonly output: ExecutionOutputStore,
    private readonly cancellation: CancellationBus,
    private readonly metrics: MetricsService,
    @Inject(SANDBOX_RUNNER) private readonly sandbox: SandboxRunnerContract,
    @InjectConfig() private readonly config: RuncellConfig,
  ) {}

  async run(executionId: string, attempt: number, lastAttempt: boolean): Promise<RunVerdict> {
    const execution = await this.executions.findById(executionId);
    if (!execution || (execution.status !== 'pending' && execution.status !== 'running'))
      return { kind: 'done' };
    const claim = await this.executions.claim(
      executionId,
      execution.userId,
      attempt,
      this.workerId,
      this.config.executions.perUserRunningCap,
    );
    if (claim === 'capped') return { kind: 'capped' };
    if (claim === 'gone') return { kind: 'done' };

    // Independent writes: one round trip of wall time instead of two.
    await Promise.all([
      this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, 'running'),
      this.publish(execution.id, 'status', 'running'),
    ]);
    const { signal, release } = this.cancellation.track(execution.id);
    const live = new LiveOutputPublisher((stream, text) =>
      this.publish(execution.id, stream, text),
    );
    this.metrics.runningSandboxes.inc();
    try {
      const result = await this.sandbox.run({
        executionId: execution.id,
        language: execution.scriptType,
        script: execution.scriptContent,
        stdin: execution.stdin ?? undefined,
        env: execution.env,
        timeoutMs: execution.timeoutSeconds * 1000,
        memoryMb: execution.memoryMb,
        cpus: execution.cpus,
        signal,
        onOutput: (stream, chunk) => live.write(stream, chunk),
      });
      // Every output event is in the stream before the final status event.
      await live.close();
      await this.record(execution, attempt, result);
      return { kind: 'done' };
    } catch (error) {
      await live.close();
      if (error instanceof InvalidSandboxRequestError) {
        // Retrying cannot help a request the sandbox refuses.
        return this.recordInfrastructureFailure(execution, attempt, true, error).then(() => ({
          kind: 'done',
        }));
      }
      return this.recordInfrastructureFailure(execution, attempt, lastAttempt, error as Error);
    } finally {
      release();
      this.metrics.runningSandboxes.dec();
    }
  }

  private async record(
    execution: ExecutionEntity,
    attempt: number,
    result: SandboxResult,
  ): Promise<void> {
    const outcome: ExecutionOutcome = {
      status: result.status,
      exitCode: result.exitCode,
      stdout: stripNul(result.stdout),
      stderr: stripNul(result.stderr),
      stdoutTruncated: result.stdoutTruncated,
      stderrTruncated: result.stderrTruncated,
      error:
        (result.compile?.error ?? null) ||
        (result.oomKilled ? 'The program ran out of memory and was killed' : null),
      memoryPeakBytes: result.memoryPeakBytes,
      cpuMs: result.cpuMs,
      compileStatus: result.compile?.status ?? null,
      compileOutput: result.compile ? stripNul(result.compile.output) : null,
      compileOutputTruncated: result.compile?.outputTruncated ?? null,
      compileExitCode: result.compile?.exitCode ?? null,
      compileDurationMs: result.compile?.durationMs ?? null,
      startedAt: result.startedAt,
      completedAt: result.finishedAt,
    };
    const recorded = await this.executions.finish(execution.id, attempt, outcome);
    if (!recorded) {
      // Cancelled or resolved meanwhile: keep the output, but the status stays what it became.
      await this.executions.attachOutput(execution.id, outcome);
      return;
    }
    this.metrics.executionDuration.observe(
      { kind: 'task', status: result.status },
      (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000,
    );
    await this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, result.status);
    await this.publish(execution.id, 'status', result.status);
  }

  private async recordInfrastructureFailure(
    execution: ExecutionEntity,
    attempt: number,
    lastAttempt: boolean,
    error: Error,
  ): Promise<RunVerdict> {
    const message = `Attempt ${attempt} failed: ${error.message}`;
    this.logger.warn(`Execution ${execution.id}: ${message}`);
    if (lastAttempt) {
      if (await this.executions.failActive(execution.id, message)) {
        await this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, 'failed');
        await this.publish(execution.id, 'status', 'failed');
      }
    } else {
      await this.executions.release(execution.id, attempt, message);
      await this.tasks.mirrorExecutionStatus(execution.taskId, execution.id, 'pending');
    }
    return { kind: 'infrastructure', error };
  }

  private async publish(
    executionId: string,
    type: 'stdout' | 'stderr' | 'status',
    data: string,
  ): Promise<void> {
    try {
      await this.output.append(executionId, type, data);
    } catch {
      // Live output is best effort; the final output is stored on the execution.
    }
  }
}

/** PostgreSQL text cannot hold NUL bytes. */
function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
