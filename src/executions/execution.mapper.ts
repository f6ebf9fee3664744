import { ExecutionDto } from './dto/execution.dto';
import { ExecutionEntity } from './execution.entity';

export function toExecutionDto(execution: ExecutionEntity): ExecutionDto {
  const started = execution.startedAt?.getTime() ?? null;
  const completed = execution.completedAt?.getTime() ?? null;
  return {
    id: execution.id,
    task_id: execution.taskId,
    user_id: execution.userId,
    status: execution.status,
    exit_code: execution.exitCode,
    stdout: execution.stdout,
    stderr: execution.stderr,
    stdout_truncated: execution.stdoutTruncated,
    stderr_truncated: execution.stderrTruncated,
    error: execution.error,
    attempt: execution.attempt,
    queued_at: execution.queuedAt.toISOString(),
    started_at: execution.startedAt?.toISOString() ?? null,
    completed_at: execution.completedAt?.toISOString() ?? null,
    queue_ms: started === null ? null : Math.max(0, started - execution.queuedAt.getTime()),
    run_ms: started === null || completed === null ? null : Math.max(0, completed - started),
    memory_peak_bytes: execution.memoryPeakBytes,
    cpu_ms: execution.cpuMs,
    compile_status: execution.compileStatus,
    compile_output: execution.compileOutput,
    compile_output_truncated: execution.compileOutputTruncated,
    compile_exit_code: execution.compileExitCode,
    compile_duration_ms: execution.compileDurationMs,
    created_at: execution.createdAt.toISOString(),
  };
}
