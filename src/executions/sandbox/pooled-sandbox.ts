import type { ContainerLimits, ContainerSpec } from '../../container-engine';
import type { LanguageDefinition } from '../../languages/language-registry';
import {
  buildSandboxContainerSpec,
  LABEL_EXECUTION_ID,
  SandboxSpecInput,
} from './sandbox-container.factory';
import { isRunNonce } from './run-end-record';
import { DEFINE_FAIL, READ_ENV_FRAME, READ_NONCE, WRITE_END_RECORD } from './warm-launcher-parts';
import { warmNodeCommand } from './warm-node-launcher';
import type { SandboxRequest } from './sandbox.types';

const MIB = 1024 * 1024;

/** Names the pool (one per worker process) a warm container was made for. */
export const LABEL_POOL = 'runcell.pool';
/** When the pool started the container (ms since the epoch), for the orphan sweep. */
export const LABEL_POOL_SINCE = 'runcell.pool-since';
export const POOL_NAME_PREFIX = 'runcell-pool-';
/** Limits a warm container is made with; a claim with others changes them (`docker update`). */
export const POOL_CPUS = 1;

/**
 * The command of a warm container. It waits on stdin for the environment frame
 * (`"<count>\n"` then `NAME=value\0` that many times), checks every name, and execs the second
 * stage (`RUNNER`) with exactly that environment added, as Docker would have set it, so PID 1's
 * environment is the program's. Nothing is written to disk.
 */
const LAUNCHER = [
  'set -eu',
  DEFINE_FAIL,
  'runner=$1; shift',
  ...READ_ENV_FRAME,
  'exec env -u SHLVL -- "${vars[@]}" bash -c "$runner" run-task "$shlvl" "$@"',
].join('\n');

/**
 * The second stage, PID 1 for the rest of the run: reads the run's nonce (one line, held in an
 * unexported variable), runs the language's own command (`run-task -`, which then reads the
 * program frame) as its child with the request's `SHLVL` or none (what a cold sandbox's program
 * sees; its first argument is `-` or `=value`), and when it exited writes the end record
 * (`run-end-record.ts`: exit code and the cgroup's OOM kill count) to stdout and stderr.
 */
const RUNNER = [
  'set -u',
  DEFINE_FAIL,
  ...READ_NONCE,
  'shlvl=$1; shift',
  // bash's own "Killed" report of a child that died by a signal goes to /dev/null.
  'run() { env -u SHLVL -- "$@" 2>&3 3>&-; }',
  'if [[ $shlvl == - ]]; then run "$@"; else run "SHLVL=${shlvl:1}" "$@"; fi 3>&2 2>/dev/null',
  'code=$?',
  ...WRITE_END_RECORD,
].join('\n');

/** The spec of a warm container of `language`: today's hardened spec, waiting for its frame. */
export function buildPooledSandboxSpec(
  input: Omit<SandboxSpecInput, 'request' | 'stage'> & { poolId: string; name: string },
): ContainerSpec {
  const { poolId, name, ...rest } = input;
  const spec = buildSandboxContainerSpec({
    ...rest,
    stage: 'run',
    request: poolTemplate(input.language),
  });
  const labels: Record<string, string> = {
    ...spec.labels,
    [LABEL_POOL]: poolId,
    [LABEL_POOL_SINCE]: String(Date.now()),
  };
  delete labels[LABEL_EXECUTION_ID];
  return {
    ...spec,
    name,
    labels,
    env: {},
    cmd: warmNodeCommand(input.language) ?? [
      'bash',
      '-c',
      LAUNCHER,
      'run-task',
      RUNNER,
      ...input.language.runCommand,
    ],
  };
}

/** The limits a request needs, in the engine's terms (as `buildSandboxContainerSpec` sets them). */
export function limitsOf(request: Pick<SandboxRequest, 'memoryMb' | 'cpus'>): ContainerLimits {
  const memoryBytes = request.memoryMb * MIB;
  return { memoryBytes, memorySwapBytes: memoryBytes, cpus: request.cpus };
}

export function sameLimits(a: ContainerLimits, b: ContainerLimits): boolean {
  return (
    a.memoryBytes === b.memoryBytes && a.memorySwapBytes === b.memorySwapBytes && a.cpus === b.cpus
  );
}

export function poolLimits(language: LanguageDefinition): ContainerLimits {
  return limitsOf({ memoryMb: language.defaults.memoryMb, cpus: POOL_CPUS });
}

/** What the launcher reads ahead of the program frame: the environment frame, then the nonce. */
export function frameWarmRun(nonce: string, env: Record<string, string> = {}): Buffer {
  if (!isRunNonce(nonce)) throw new Error('A run nonce is 32 lowercase hex digits');
  const entries = Object.entries(env);
  return Buffer.concat([
    Buffer.from(`${entries.length}\n`, 'ascii'),
    ...entries.map(([key, value]) => Buffer.from(`${key}=${value}\0`, 'utf8')),
    Buffer.from(`${nonce}\n`, 'ascii'),
  ]);
}

function poolTemplate(language: LanguageDefinition): SandboxRequest {
  return {
    executionId: 'pool',
    language: language.name as SandboxRequest['language'],
    script: '',
    timeoutMs: 1,
    memoryMb: language.defaults.memoryMb,
    cpus: POOL_CPUS,
  };
}
