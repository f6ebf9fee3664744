import type { ContainerLimits, ContainerSpec } from '../../container-engine';
import type { LanguageDefinition } from '../../languages/language-registry';
import {
  buildSandboxContainerSpec,
  LABEL_EXECUTION_ID,
  SandboxSpecInput,
} from './sandbox-container.factory';
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
 * (`"<count>\n"` then `NAME=value\0` that many times), checks every name, and execs the language's
 * own command (`run-task -`, which then reads the program frame) with exactly that environment
 * added, as Docker would have set it. `SHLVL` is dropped so the program sees what a cold
 * sandbox's program sees. Nothing is written to disk.
 */
const LAUNCHER = [
  'set -eu',
  'fail() { echo "run-task: $*" >&2; exit 127; }',
  'IFS= read -r count || fail "stdin is empty: expected the environment frame"',
  '[[ "$count" =~ ^[0-9]{1,3}$ ]] || fail "bad environment header"',
  'vars=()',
  'for ((i = 0; i < 10#$count; i++)); do',
  '  IFS= read -r -d "" entry || fail "stdin ended inside the environment frame"',
  '  [[ "$entry" =~ ^[A-Za-z_][A-Za-z0-9_]{0,127}= ]] || fail "bad environment entry"',
  '  vars+=("$entry")',
  'done',
  'exec env -u SHLVL -- "${vars[@]}" "$@"',
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
    cmd: ['bash', '-c', LAUNCHER, 'run-task', ...input.language.runCommand],
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

/** The environment frame the launcher reads ahead of the program frame. */
export function frameEnvironment(env: Record<string, string> = {}): Buffer {
  const entries = Object.entries(env);
  return Buffer.concat([
    Buffer.from(`${entries.length}\n`, 'ascii'),
    ...entries.map(([key, value]) => Buffer.from(`${key}=${value}\0`, 'utf8')),
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
