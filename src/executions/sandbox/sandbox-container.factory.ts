import type { ContainerSpec } from '../../container-engine';
import type { LanguageDefinition } from '../../languages/language-registry';
import type { SandboxRequest } from './sandbox.types';

const MIB = 1024 * 1024;

/** Fixed hardening of every sandbox; the per-run limits come from the request and config. */
export const SANDBOX_HARDENING = {
  /** The images' unprivileged user; set explicitly so a changed image cannot run as root. */
  user: '10001:10001',
  workDir: '/sandbox',
  /** Build output of compiled languages; the only mount that may be exec-able (run stage). */
  buildDir: '/build',
  tmpBytes: 64 * MIB,
  workDirBytes: 16 * MIB,
  /** Largest single file a program may write (RLIMIT_FSIZE, bytes). */
  maxFileBytes: 64 * MIB,
  maxOpenFiles: 256,
} as const;

export const SANDBOX_NAME_PREFIX = 'runcell-sandbox-';
export const LABEL_EXECUTION_ID = 'runcell.execution-id';

/** `compile` runs the compiler of a compiled language; `run` runs the program. */
export type SandboxStage = 'compile' | 'run';

export function sandboxName(executionId: string, stage: SandboxStage = 'run'): string {
  return `${SANDBOX_NAME_PREFIX}${executionId}${stage === 'compile' ? '-compile' : ''}`;
}

export interface SandboxSpecInput {
  request: SandboxRequest;
  language: LanguageDefinition;
  stage: SandboxStage;
  image: string;
  labels: Record<string, string>;
  /** SANDBOX_PIDS_LIMIT; a language entry may ask for more. */
  pidsLimit: number;
  seccompProfile: string;
  /** Memory of the compile stage (the run stage has the request's). */
  compileMemoryMb: number;
  /** Size of the /build tmpfs of compiled languages. */
  buildBytes: number;
}

/**
 * The container of one stage. Nothing of the host is mounted: the program (or the build output)
 * arrives framed on stdin and output leaves through the attached streams only. `/tmp` and
 * `/sandbox` are always `noexec`; compiled languages get a `/build` tmpfs that is `noexec` while
 * the compiler writes it and exec-able (still `nosuid,nodev`) only in the run stage, where it
 * holds the build output. Every tmpfs's pages count against the memory limit.
 */
export function buildSandboxContainerSpec(input: SandboxSpecInput): ContainerSpec {
  const { request, language, stage } = input;
  const compiling = stage === 'compile';
  if (compiling && !language.compileCommand) {
    throw new Error(`Language ${language.name} has no compile stage`);
  }
  const memoryBytes = (compiling ? input.compileMemoryMb : request.memoryMb) * MIB;
  const tmpfs: Record<string, string> = {
    '/tmp': `rw,noexec,nosuid,nodev,size=${SANDBOX_HARDENING.tmpBytes},mode=1777`,
    [SANDBOX_HARDENING.workDir]: `rw,noexec,nosuid,nodev,size=${SANDBOX_HARDENING.workDirBytes},mode=1777`,
  };
  if (language.compileCommand) {
    const exec = compiling ? 'noexec' : 'exec';
    tmpfs[SANDBOX_HARDENING.buildDir] =
      `rw,${exec},nosuid,nodev,size=${input.buildBytes},mode=1777`;
  }
  return {
    image: input.image,
    name: sandboxName(request.executionId, stage),
    hostname: 'sandbox',
    cmd: [...(compiling ? (language.compileCommand ?? []) : language.runCommand)],
    env: compiling ? { ...language.compileEnv } : { ...request.env },
    labels: { ...input.labels, [LABEL_EXECUTION_ID]: request.executionId },
    user: SANDBOX_HARDENING.user,
    workingDir: SANDBOX_HARDENING.workDir,
    network: 'none',
    readOnlyRootfs: true,
    tmpfs,
    capDrop: ['ALL'],
    securityOpt: ['no-new-privileges', `seccomp=${input.seccompProfile}`],
    pidsLimit: Math.max(input.pidsLimit, language.pidsLimit ?? 0),
    memoryBytes,
    memorySwapBytes: memoryBytes,
    cpus: request.cpus,
    ulimits: [
      {
        name: 'nofile',
        soft: SANDBOX_HARDENING.maxOpenFiles,
        hard: SANDBOX_HARDENING.maxOpenFiles,
      },
      {
        name: 'fsize',
        soft: SANDBOX_HARDENING.maxFileBytes,
        hard: SANDBOX_HARDENING.maxFileBytes,
      },
      { name: 'core', soft: 0, hard: 0 },
    ],
    openStdin: true,
    logDriver: 'none',
    restartPolicy: 'no',
  };
}
