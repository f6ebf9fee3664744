import type { SandboxCompileResult, SandboxResult } from './sandbox.types';
import type { StageOutcome } from './stage-supervisor';

const HEADER = /^(\d{1,10})\n/;

export interface CompileLimits {
  timeoutMs: number;
  memoryMb: number;
  buildOutputMaxBytes: number;
}

/**
 * Reads the outcome of a compile stage: the compiler's messages (its stderr, where run-task
 * sends the compiler's stdout too) and, on success, the build output that run-task framed on
 * stdout ("<byte length>\n" and a tar). Anything else on stdout fails the compile: the host
 * never trusts the sandbox's framing.
 */
export function readCompileStage(
  outcome: StageOutcome,
  limits: CompileLimits,
): { result: SandboxCompileResult; buildOutput: Buffer | null } {
  const base = {
    exitCode: outcome.exitCode,
    output: outcome.stderr.text(),
    outputTruncated: outcome.stderr.truncated,
    durationMs: outcome.finishedAt.getTime() - outcome.startedAt.getTime(),
  };
  const failed = (status: SandboxCompileResult['status'], error: string) => ({
    result: { ...base, status, error },
    buildOutput: null,
  });
  if (outcome.status === 'cancelled') return failed('cancelled', 'Cancelled while compiling');
  if (outcome.status === 'timeout') {
    return failed('timeout', `Compilation timed out after ${limits.timeoutMs / 1000} s`);
  }
  if (outcome.oomKilled) {
    return failed('failed', `The compiler ran out of memory (${limits.memoryMb} MB)`);
  }
  if (outcome.status === 'failed') {
    return failed('failed', `Compilation failed with exit code ${String(outcome.exitCode)}`);
  }
  if (outcome.stdout.truncated) {
    return failed('failed', `The build output exceeds ${limits.buildOutputMaxBytes} bytes`);
  }
  const framed = outcome.stdout.bytes();
  const header = HEADER.exec(framed.subarray(0, 12).toString('latin1'));
  const size = header ? Number(header[1]) : -1;
  if (!header || size > limits.buildOutputMaxBytes || framed.length !== header[0].length + size) {
    return failed('failed', 'The compile stage did not produce a build output');
  }
  return {
    result: { ...base, status: 'completed', error: null },
    buildOutput: framed.subarray(header[0].length),
  };
}

/** The result of a run whose compile stage did not succeed: the program never ran. */
export function compileFailed(outcome: StageOutcome, compile: SandboxCompileResult): SandboxResult {
  return {
    status: compile.status === 'cancelled' ? 'cancelled' : 'failed',
    compile,
    exitCode: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    oomKilled: outcome.oomKilled,
    memoryPeakBytes: outcome.memoryPeakBytes,
    cpuMs: outcome.cpuMs,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
  };
}
