import type { ContainerSpec } from '../../container-engine';
import type { SandboxRequest } from './sandbox.types';

const MIB = 1024 * 1024;

/** Fixed hardening of every sandbox; the per-run limits come from the request and config. */
export const SANDBOX_HARDENING = {
  /** The images' unprivileged user; set explicitly so a changed image cannot run as root. */
  user: '10001:10001',
  workDir: '/sandbox',
  tmpBytes: 64 * MIB,
  workDirBytes: 16 * MIB,
  /** Largest single file a program may write (RLIMIT_FSIZE, bytes). */
  maxFileBytes: 64 * MIB,
  maxOpenFiles: 256,
} as const;

export const SANDBOX_NAME_PREFIX = 'runcell-sandbox-';
export const LABEL_EXECUTION_ID = 'runcell.execution-id';

export function sandboxName(executionId: string): string {
  return `${SANDBOX_NAME_PREFIX}${executionId}`;
}

export interface SandboxSpecInput {
  request: SandboxRequest;
  image: string;
  labels: Record<string, string>;
  pidsLimit: number;
  seccompProfile: string;
}

/**
 * The container of one run. Nothing of the host is mounted: the program arrives framed on stdin
 * (`run-task -`) and its output leaves through the attached streams only. Both tmpfs mounts are
 * `noexec` (python, node, bash and the TypeScript transpiler only read the files they run) and
 * their pages count against the memory limit.
 */
export function buildSandboxContainerSpec(input: SandboxSpecInput): ContainerSpec {
  const { request } = input;
  const memoryBytes = request.memoryMb * MIB;
  return {
    image: input.image,
    name: sandboxName(request.executionId),
    hostname: 'sandbox',
    cmd: ['run-task', '-'],
    env: { ...request.env },
    labels: { ...input.labels, [LABEL_EXECUTION_ID]: request.executionId },
    user: SANDBOX_HARDENING.user,
    workingDir: SANDBOX_HARDENING.workDir,
    network: 'none',
    readOnlyRootfs: true,
    tmpfs: {
      '/tmp': `rw,noexec,nosuid,nodev,size=${SANDBOX_HARDENING.tmpBytes},mode=1777`,
      [SANDBOX_HARDENING.workDir]: `rw,noexec,nosuid,nodev,size=${SANDBOX_HARDENING.workDirBytes},mode=1777`,
    },
    capDrop: ['ALL'],
    securityOpt: ['no-new-privileges', `seccomp=${input.seccompProfile}`],
    pidsLimit: input.pidsLimit,
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
