import type { LanguageName } from '../../languages/language-registry';

export type SandboxLanguage = LanguageName;

export type SandboxStream = 'stdout' | 'stderr';

/**
 * `completed`: exit code 0. `failed`: any other exit (user code failing is a result, not an
 * error). `timeout`: the wall clock ran out and the container was killed. `cancelled`: the
 * request's signal aborted and the container was killed.
 */
export type SandboxStatus = 'completed' | 'failed' | 'timeout' | 'cancelled';

export interface SandboxRequest {
  /** Names the container `runcell-sandbox-<executionId>`; letters, digits, `_ . -`. */
  executionId: string;
  language: SandboxLanguage;
  script: string;
  /** Delivered to the program's stdin byte for byte, then EOF. */
  stdin?: string | Buffer;
  /** Extra environment variables; names match `[A-Za-z_][A-Za-z0-9_]*`. */
  env?: Record<string, string>;
  /** Wall-clock limit, counted from the moment the container started. */
  timeoutMs: number;
  /** Memory limit; swap is disabled (memory + swap = memory). */
  memoryMb: number;
  /** CPU quota in cores, e.g. 0.5. */
  cpus: number;
  /** Live output, only the bytes kept within the output cap. Must not throw (errors are ignored). */
  onOutput?: (stream: SandboxStream, chunk: Buffer) => void;
  /** Aborting cancels the run: the container is killed (SIGKILL) at once. */
  signal?: AbortSignal;
}

/** The compile stage of a compiled language, as Judge0's `compile_output` / Piston's `compile`. */
export interface SandboxCompileResult {
  status: SandboxStatus;
  /** The compiler's exit code (137 after a kill); null when it never ran. */
  exitCode: number | null;
  /** The compiler's messages (stdout and stderr), the first `COMPILE_OUTPUT_CAP` bytes. */
  output: string;
  outputTruncated: boolean;
  durationMs: number;
  /** Why the compile stage failed, for people; null when it succeeded. */
  error: string | null;
}

export interface SandboxResult {
  status: SandboxStatus;
  /** Compiled languages only; when it did not succeed the program never ran. */
  compile: SandboxCompileResult | null;
  /** The main process's exit code (137 after a kill); null when it never started. */
  exitCode: number | null;
  /** UTF-8 text of the first `outputCapBytes` bytes (invalid sequences replaced). */
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** The kernel's OOM killer killed a process of the sandbox. */
  oomKilled: boolean;
  /**
   * Best effort, from the engine's stats feed (about one sample a second): the highest cgroup
   * memory high-water mark seen; null when the run ended before the first sample.
   */
  memoryPeakBytes: number | null;
  /** Best effort like `memoryPeakBytes`: CPU time of the whole sandbox at the last sample. */
  cpuMs: number | null;
  startedAt: Date;
  finishedAt: Date;
}

/** A sandbox container of this instance, as found on the engine. */
export interface SandboxContainer {
  containerId: string;
  name: string;
  /** From the `runcell.execution-id` label; null when the label is missing. */
  executionId: string | null;
  /** The warm pool that created it (then named `runcell-pool-…` until claimed), or null. */
  poolId: string | null;
  state: string;
  createdAt: Date;
}

/** What the execution worker and the maintenance jobs use. */
export interface SandboxRunnerContract {
  /**
   * Runs one program in a fresh hardened container and removes the container afterwards, always.
   * Throws `InvalidSandboxRequestError` for a malformed request and `SandboxInfrastructureError`
   * (retryable) when the engine fails; everything the program does is a `SandboxResult`.
   */
  run(request: SandboxRequest): Promise<SandboxResult>;
  /** Force-removes the sandbox of an execution (e.g. left by a worker that died); false if none. */
  removeSandboxOf(executionId: string): Promise<boolean>;
  /** Every sandbox container of this instance, running or not. */
  listSandboxes(): Promise<SandboxContainer[]>;
  /**
   * Removes the sandboxes of this instance whose execution is not in `knownExecutionIds` and that
   * are at least `minAgeMs` old (default 0). Returns the names of the removed containers.
   */
  removeOrphans(
    knownExecutionIds: Iterable<string>,
    options?: { minAgeMs?: number },
  ): Promise<string[]>;
}
