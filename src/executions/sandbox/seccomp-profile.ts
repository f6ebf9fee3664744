import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Path of the profile relative to the project root (the folder holding package.json). */
export const SECCOMP_PROFILE_RELATIVE_PATH = join('docker', 'seccomp', 'sandbox.json');

/** Injection token of the loaded `SeccompProfile`. */
export const SANDBOX_SECCOMP_PROFILE = Symbol('SANDBOX_SECCOMP_PROFILE');

/**
 * Syscalls the sandbox must never get, whatever the arguments. `clone` is allowed only with the
 * filter that refuses every namespace flag, `socket` and `personality` only with argument filters.
 * `memfd_create` and `execveat` are forbidden too: together they run a program from memory,
 * around the `noexec` mounts (the interpreters need neither).
 */
export const FORBIDDEN_SYSCALLS = [
  'mount',
  'umount',
  'umount2',
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'unshare',
  'setns',
  'keyctl',
  'add_key',
  'request_key',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'pivot_root',
  'chroot',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'move_mount',
  'open_tree',
  'mount_setattr',
  'pidfd_getfd',
  'kcmp',
  'memfd_create',
  'execveat',
  'clone3',
  'open_by_handle_at',
  'name_to_handle_at',
  'setuid',
  'setgid',
  'setreuid',
  'setresuid',
  'socketcall',
] as const;
const ARGUMENT_FILTERED = new Set(['clone', 'socket', 'personality']);

/** Every CLONE_NEW* flag clone(2) accepts (Docker's own mask): none may be set. */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;

interface SeccompRule {
  names?: unknown;
  /** The legacy single-name form, still honoured by Docker. */
  name?: unknown;
  action?: unknown;
  args?: unknown;
}

interface SeccompArgument {
  index?: unknown;
  value?: unknown;
  valueTwo?: unknown;
  op?: unknown;
}

/** The profile as Docker's `seccomp=<json>` security option wants it: compact JSON content. */
export interface SeccompProfile {
  content: string;
  path: string;
}

export class SeccompProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeccompProfileError';
  }
}

/** Walks up from `start` to the folder with package.json and the profile (works from `dist/`). */
export function defaultSeccompProfilePath(start: string = __dirname): string {
  let folder = start;
  for (;;) {
    const candidate = join(folder, SECCOMP_PROFILE_RELATIVE_PATH);
    if (existsSync(join(folder, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) {
      throw new SeccompProfileError(
        `No ${SECCOMP_PROFILE_RELATIVE_PATH} found in any parent folder of ${start}`,
      );
    }
    folder = parent;
  }
}

/** Reads and checks the profile once; refuses one that is not a strict allowlist (fail closed). */
export function loadSeccompProfile(path: string = defaultSeccompProfilePath()): SeccompProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SeccompProfileError(
      `Cannot read the sandbox seccomp profile ${path}: ${(error as Error).message}`,
    );
  }
  const problems = profileProblems(parsed);
  if (problems.length > 0) {
    throw new SeccompProfileError(`Unsafe sandbox seccomp profile ${path}: ${problems.join('; ')}`);
  }
  return { content: JSON.stringify(parsed), path };
}

function profileProblems(profile: unknown): string[] {
  if (!profile || typeof profile !== 'object') return ['not a JSON object'];
  const { defaultAction, syscalls } = profile as { defaultAction?: unknown; syscalls?: unknown };
  const problems: string[] = [];
  if (defaultAction !== 'SCMP_ACT_ERRNO' && defaultAction !== 'SCMP_ACT_KILL_PROCESS') {
    problems.push('defaultAction must deny (SCMP_ACT_ERRNO or SCMP_ACT_KILL_PROCESS)');
  }
  if (!Array.isArray(syscalls)) return [...problems, 'syscalls must be a list'];
  const forbidden = new Set<string>(FORBIDDEN_SYSCALLS);
  for (const rule of syscalls as SeccompRule[]) {
    if (rule?.action !== 'SCMP_ACT_ALLOW' && rule?.action !== 'SCMP_ACT_LOG') continue;
    const names = [...(Array.isArray(rule.names) ? (rule.names as unknown[]) : []), rule.name];
    const filtered = Array.isArray(rule.args) && rule.args.length > 0;
    for (const name of names) {
      if (typeof name !== 'string') continue;
      if (forbidden.has(name)) problems.push(`allows ${name}`);
      if (ARGUMENT_FILTERED.has(name) && !filtered) problems.push(`allows ${name} without filter`);
      if (name === 'clone' && filtered && !refusesNamespaces(rule.args as SeccompArgument[])) {
        problems.push('allows clone with a filter that lets namespace flags through');
      }
    }
  }
  return problems;
}

/**
 * True when the rule matches only flags without any namespace bit: one masked-equal test of the
 * flags argument against zero under a mask covering every CLONE_NEW* flag.
 */
function refusesNamespaces(args: SeccompArgument[]): boolean {
  return args.some(
    (arg) =>
      arg?.index === 0 &&
      arg.op === 'SCMP_CMP_MASKED_EQ' &&
      typeof arg.value === 'number' &&
      (arg.value & CLONE_NAMESPACE_FLAGS) === CLONE_NAMESPACE_FLAGS &&
      (arg.valueTwo ?? 0) === 0,
  );
}
