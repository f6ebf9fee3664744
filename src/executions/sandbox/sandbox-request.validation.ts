import { InvalidSandboxRequestError } from './sandbox.errors';
import { isLanguageName, LANGUAGE_NAMES } from '../../languages/language-registry';
import { SandboxRequest } from './sandbox.types';

export const SANDBOX_LIMITS = {
  maxScriptBytes: 4 * 1024 * 1024,
  maxStdinBytes: 16 * 1024 * 1024,
  maxEnvEntries: 128,
  maxEnvBytes: 64 * 1024,
  minMemoryMb: 16,
  maxMemoryMb: 64 * 1024,
  minCpus: 0.01,
  maxCpus: 64,
  maxTimeoutMs: 24 * 60 * 60 * 1000,
} as const;

const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
/** Names the sandbox accepts for environment variables. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The bytes an environment takes in the container's `NAME=value\0` block. */
export function envBytes(env: Record<string, string>): number {
  return Object.entries(env).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value) + 2,
    0,
  );
}

export function assertValidExecutionId(executionId: unknown): asserts executionId is string {
  if (typeof executionId !== 'string' || !EXECUTION_ID.test(executionId)) {
    throw new InvalidSandboxRequestError([
      'executionId must be 1-100 letters, digits, "_", "." or "-", starting with a letter or digit',
    ]);
  }
}

/** Throws `InvalidSandboxRequestError` listing every problem of the request. */
export function validateSandboxRequest(request: SandboxRequest): void {
  const problems: string[] = [];
  if (typeof request.executionId !== 'string' || !EXECUTION_ID.test(request.executionId)) {
    problems.push('executionId must be 1-100 letters, digits, "_", "." or "-"');
  }
  if (!isLanguageName(request.language)) {
    problems.push(`language must be one of ${LANGUAGE_NAMES.join(', ')}`);
  }
  if (typeof request.script !== 'string') {
    problems.push('script must be a string');
  } else if (Buffer.byteLength(request.script) > SANDBOX_LIMITS.maxScriptBytes) {
    problems.push(`script must be at most ${SANDBOX_LIMITS.maxScriptBytes} bytes`);
  }
  if (request.stdin !== undefined) {
    const size =
      typeof request.stdin === 'string'
        ? Buffer.byteLength(request.stdin)
        : Buffer.isBuffer(request.stdin)
          ? request.stdin.length
          : Number.NaN;
    if (!(size <= SANDBOX_LIMITS.maxStdinBytes)) {
      problems.push(
        `stdin must be a string or Buffer of at most ${SANDBOX_LIMITS.maxStdinBytes} bytes`,
      );
    }
  }
  problems.push(...envProblems(request.env));
  if (!isIntegerIn(request.timeoutMs, 1, SANDBOX_LIMITS.maxTimeoutMs)) {
    problems.push(`timeoutMs must be an integer from 1 to ${SANDBOX_LIMITS.maxTimeoutMs}`);
  }
  if (!isIntegerIn(request.memoryMb, SANDBOX_LIMITS.minMemoryMb, SANDBOX_LIMITS.maxMemoryMb)) {
    problems.push(
      `memoryMb must be an integer from ${SANDBOX_LIMITS.minMemoryMb} to ${SANDBOX_LIMITS.maxMemoryMb}`,
    );
  }
  if (
    typeof request.cpus !== 'number' ||
    !(request.cpus >= SANDBOX_LIMITS.minCpus && request.cpus <= SANDBOX_LIMITS.maxCpus)
  ) {
    problems.push(`cpus must be from ${SANDBOX_LIMITS.minCpus} to ${SANDBOX_LIMITS.maxCpus}`);
  }
  if (problems.length > 0) throw new InvalidSandboxRequestError(problems);
}

function envProblems(env: Record<string, string> | undefined): string[] {
  if (env === undefined) return [];
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    return ['env must be an object of strings'];
  }
  const problems: string[] = [];
  const entries = Object.entries(env);
  if (entries.length > SANDBOX_LIMITS.maxEnvEntries) {
    problems.push(`env must have at most ${SANDBOX_LIMITS.maxEnvEntries} variables`);
  }
  let valid = true;
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name)) {
      problems.push(`env name "${name.slice(0, 40)}" must match [A-Za-z_][A-Za-z0-9_]*`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      problems.push(`env ${name.slice(0, 40)} must be a string without NUL bytes`);
      valid = false;
    }
  }
  if (valid && envBytes(env) > SANDBOX_LIMITS.maxEnvBytes) {
    problems.push(`env must be at most ${SANDBOX_LIMITS.maxEnvBytes} bytes in total`);
  }
  return problems;
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
