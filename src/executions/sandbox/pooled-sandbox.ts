import type { ContainerLimits, ContainerSpec } from '../../container-engine';
import type { LanguageDefinition } from '../../languages/language-registry';
import {
  buildSandboxContainerSpec,
  LABEL_EXECUTION_ID,
  SandboxSpecInput,
} from './sandbox-container.factory';
import { isRunNonce } from './run-end-record';
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
  'fail() { echo "run-task: $*" >&2; exit 127; }',
  'runner=$1; shift',
  'IFS= read -r count || fail "stdin is empty: expected the environment frame"',
  '[[ "$count" =~ ^[0-9]{1,3}$ ]] || fail "bad environment header"',
  'vars=()',
  'shlvl=-',
  'for ((i = 0; i < 10#$count; i++)); do',
  '  IFS= read -r -d "" entry || fail "stdin ended inside the environment frame"',
  '  [[ "$entry" =~ ^[A-Za-z_][A-Za-z0-9_]{0,127}= ]] || fail "bad environment entry"',
  '  vars+=("$entry")',
  '  if [[ "$entry" == SHLVL=* ]]; then shlvl="=${entry#SHLVL=}"; fi',
  'done',
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
  'fail() { echo "run-task: $*" >&2; exit 127; }',
  'IFS= read -r nonce || fail "stdin ended before the run header"',
  '[[ "$nonce" =~ ^[0-9a-f]{32}$ ]] || fail "bad run header"',
  'shlvl=$1; shift',
  // bash's own "Killed" report of a child that died by a signal goes to /dev/null.
  'run() { env -u SHLVL -- "$@" 2>&3 3>&-; }',
  'if [[ $shlvl == - ]]; then run "$@"; else run "SHLVL=${shlvl:1}" "$@"; fi 3>&2 2>/dev/null',
  'code=$?',
  'kills=-',
  'for file in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do',
  '  [[ -r $file ]] || continue',
  '  while read -r key value; do [[ $key == oom_kill ]] && kills=$value; done < "$file"',
  '  break',
  'done',
  '[[ $kills =~ ^[0-9]{1,10}$ ]] || kills=-',
  `printf '\\0runcell-end:%s:%d:%s\\n' "$nonce" "$code" "$kills"`,
  `printf '\\0runcell-end:%s:%d:%s\\n' "$nonce" "$code" "$kills" >&2`,
  'exit "$code"',
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
    cmd: ['bash', '-c', LAUNCHER, 'run-task', RUNNER, ...input.language.runCommand],
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
