import { settleWithin, waitAtMost } from '../../common/deadline';
import { Logger } from '@nestjs/common';
import type { Attachment, ContainerEngine, StatsStream } from '../../container-engine';
import { OutputCollector } from './output-collector';
import { RunEndScanner } from './run-end-record';
import { classifyRun, RunnerEnding } from './sandbox-result';
import { SandboxInfrastructureError } from './sandbox.errors';
import type { SandboxStatus, SandboxStream } from './sandbox.types';
import { UsageMonitor } from './usage-monitor';

/** How long past the timeout a container may take to report its exit before we give up on it. */
const EXIT_GRACE_MS = 15_000;
/** How long the output streams may take to drain after the main process exited. */
const OUTPUT_DRAIN_MS = 2_000;

export interface StageInput {
  /** Written to the container's stdin, then EOF. */
  payload: Buffer;
  timeoutMs: number;
  stdoutCap: number;
  stderrCap: number;
  onOutput?: (stream: SandboxStream, chunk: Buffer) => void;
  signal?: AbortSignal;
  /** The container is already running (a warm one waiting on stdin): hand the payload over. */
  running?: boolean;
  /**
   * The nonce of the launcher's end record (`run-end-record.ts`), for a warm sandbox: the run
   * ends when both streams carried it, without waiting for Docker to stop the container.
   */
  endNonce?: string;
}

export interface StageOutcome {
  status: SandboxStatus;
  exitCode: number | null;
  stdout: OutputCollector;
  stderr: OutputCollector;
  oomKilled: boolean;
  memoryPeakBytes: number | null;
  cpuMs: number | null;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Runs one created sandbox container to its end: attaches, starts it (unless it is a warm one
 * already running), writes the payload, kills it (SIGKILL) on timeout or abort, waits for the exit
 * and collects capped output and usage. The wall clock starts when the payload is handed over.
 */
export async function superviseStage(
  engine: ContainerEngine,
  containerId: string,
  input: StageInput,
  logger: Logger,
): Promise<StageOutcome | 'cancelled-before-start'> {
  const stdout = new OutputCollector(input.stdoutCap, (chunk) => input.onOutput?.('stdout', chunk));
  const stderr = new OutputCollector(input.stderrCap, (chunk) => input.onOutput?.('stderr', chunk));
  const usage = new UsageMonitor();
  let ending: RunnerEnding;
  let exited = false;
  let timer: NodeJS.Timeout | undefined;
  let stats: StatsStream | undefined;
  let stopped = false;
  const end = (reason: Exclude<RunnerEnding, undefined>) => {
    if (exited || ending) return;
    ending = reason;
    engine.killContainer(containerId, 'SIGKILL').catch((error: unknown) => {
      logger.warn(`Killing sandbox ${containerId} failed: ${String(error)}`);
    });
  };
  const onAbort = () => end('cancelled');

  const records = input.endNonce ? endRecords(input.endNonce) : undefined;
  const attachment: Attachment = await engine.attach(
    containerId,
    {
      onStdout: (chunk) => appendOutput(stdout, records ? records.stdout(chunk) : chunk),
      onStderr: (chunk) => appendOutput(stderr, records ? records.stderr(chunk) : chunk),
    },
    { stdin: true },
  );

  try {
    if (input.signal?.aborted) return 'cancelled-before-start';
    if (!input.running) await engine.startContainer(containerId);
    const startedAt = new Date();
    timer = setTimeout(() => end('timeout'), input.timeoutMs);
    input.signal?.addEventListener('abort', onAbort, { once: true });
    if (input.signal?.aborted) onAbort();
    attachment.stdin?.write(input.payload);
    attachment.stdin?.end();
    // Not awaited: the end of the run must not wait for the stats feed to open.
    void engine
      .streamStats(containerId, (sample) => usage.record(sample))
      .then((opened) => {
        if (stopped) opened.stop();
        else stats = opened;
      })
      .catch(() => undefined);

    const waited = engine.waitContainer(containerId);
    // Once the end record ended the run, the container is removed and this wait may fail.
    waited.catch(() => undefined);
    const exit = await settleWithin(
      records ? Promise.race([waited, records.exited]) : waited,
      input.timeoutMs + EXIT_GRACE_MS,
      () => new SandboxInfrastructureError(`Sandbox ${containerId} did not stop after its kill`),
    );
    exited = true;
    const finishedAt = new Date();
    if ('fromRecord' in exit) {
      // The launcher checked the OOM counter before writing the record.
      return {
        status: classifyRun(ending, exit.exitCode),
        exitCode: exit.exitCode,
        stdout,
        stderr,
        oomKilled: false,
        ...usage.usage(),
        startedAt,
        finishedAt,
      };
    }
    const { exitCode } = exit;
    await waitAtMost(attachment.ended, OUTPUT_DRAIN_MS);
    if (records) {
      // No record came: the bytes held back as a possible record start were output after all.
      const rest = records.flush();
      if (rest.stdout.length > 0) stdout.append(rest.stdout);
      if (rest.stderr.length > 0) stderr.append(rest.stderr);
    }
    const info = await engine.inspectContainer(containerId);
    return {
      status: classifyRun(ending, exitCode),
      exitCode,
      stdout,
      stderr,
      // Docker may see the OOM event after the exit; the kernel's counter read in the sandbox
      // cannot miss it.
      oomKilled: (info?.oomKilled ?? false) || (records?.oomKills() ?? 0) > 0,
      ...usage.usage(),
      startedAt,
      finishedAt,
    };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onAbort);
    stopped = true;
    stats?.stop();
    attachment.detach();
  }
}

/**
 * The end records of one warm run: one scanner per stream. `exited` resolves when both streams
 * carried the same record (so both are drained up to the program's exit) of a plain exit: code
 * below 128 and no OOM kill. Never resolves otherwise: the supervisor then waits for Docker as
 * for a cold sandbox, and `oomKills` adds the launcher's count to Docker's account.
 */
function endRecords(nonce: string) {
  const out = new RunEndScanner(nonce);
  const err = new RunEndScanner(nonce);
  let resolve!: (value: { exitCode: number; fromRecord: true }) => void;
  const exited = new Promise<{ exitCode: number; fromRecord: true }>((r) => (resolve = r));
  const check = () => {
    const [a, b] = [out.record, err.record];
    if (!a || !b || a.exitCode !== b.exitCode || a.oomKills !== b.oomKills) return;
    if (a.exitCode < 128 && a.oomKills === 0) resolve({ exitCode: a.exitCode, fromRecord: true });
  };
  return {
    exited,
    stdout(chunk: Buffer): Buffer {
      const kept = out.push(chunk);
      check();
      return kept;
    },
    stderr(chunk: Buffer): Buffer {
      const kept = err.push(chunk);
      check();
      return kept;
    },
    flush: () => ({ stdout: out.flush(), stderr: err.flush() }),
    oomKills: () => Math.max(out.record?.oomKills ?? 0, err.record?.oomKills ?? 0),
  };
}

function appendOutput(collector: OutputCollector, chunk: Buffer): void {
  if (chunk.length > 0) collector.append(chunk);
}
