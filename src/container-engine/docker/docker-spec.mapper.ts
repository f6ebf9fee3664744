import type {
  ContainerCreateOptions,
  ContainerInspectInfo,
  ContainerInfo as DockerSummary,
} from 'dockerode';
import {
  ContainerInfo,
  ContainerLimits,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
} from '../container-engine';

const CPU_PERIOD = 100_000;

/** The body of Docker's container update: the same CPU and memory fields as at creation. */
export function toUpdateOptions(limits: ContainerLimits): Record<string, number> {
  return {
    CpuPeriod: CPU_PERIOD,
    CpuQuota: Math.round(limits.cpus * CPU_PERIOD),
    Memory: limits.memoryBytes,
    MemorySwap: limits.memorySwapBytes,
  };
}

export function toCreateOptions(spec: ContainerSpec): ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    Hostname: spec.hostname,
    Cmd: spec.cmd,
    Entrypoint: spec.entrypoint,
    Env: spec.env ? Object.entries(spec.env).map(([key, value]) => `${key}=${value}`) : undefined,
    Labels: spec.labels,
    WorkingDir: spec.workingDir,
    User: spec.user,
    OpenStdin: spec.openStdin ?? false,
    StdinOnce: spec.openStdin ?? false,
    AttachStdin: spec.openStdin ?? false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    StopSignal: spec.stopSignal,
    HostConfig: {
      Binds: spec.binds,
      Tmpfs: spec.tmpfs,
      NetworkMode: spec.network,
      CpuPeriod: spec.cpus !== undefined ? CPU_PERIOD : undefined,
      CpuQuota: spec.cpus !== undefined ? Math.round(spec.cpus * CPU_PERIOD) : undefined,
      Memory: spec.memoryBytes,
      MemorySwap: spec.memorySwapBytes,
      PidsLimit: spec.pidsLimit,
      ReadonlyRootfs: spec.readOnlyRootfs,
      CapDrop: spec.capDrop,
      CapAdd: spec.capAdd,
      SecurityOpt: spec.securityOpt,
      Ulimits: spec.ulimits?.map((limit) => ({
        Name: limit.name,
        Soft: limit.soft,
        Hard: limit.hard,
      })),
      RestartPolicy: spec.restartPolicy ? { Name: spec.restartPolicy } : undefined,
      AutoRemove: false,
      LogConfig: spec.logDriver ? { Type: spec.logDriver, Config: {} } : undefined,
    },
  };
}

export function toContainerInfo(info: ContainerInspectInfo): ContainerInfo {
  const networks: Record<string, string> = {};
  for (const [name, network] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
    if (network.IPAddress) networks[name] = network.IPAddress;
  }
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    hostname: info.Config.Hostname,
    state: info.State.Status as ContainerState,
    running: info.State.Running,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    labels: info.Config.Labels ?? {},
    env: parseEnv(info.Config.Env ?? []),
    networks,
    createdAt: new Date(info.Created),
    startedAt: parseDockerDate(info.State.StartedAt),
    finishedAt: parseDockerDate(info.State.FinishedAt),
  };
}

export function toContainerSummary(summary: DockerSummary): ContainerSummary {
  return {
    id: summary.Id,
    name: (summary.Names[0] ?? '').replace(/^\//, ''),
    image: summary.Image,
    state: summary.State as ContainerState,
    labels: summary.Labels ?? {},
    createdAt: new Date(summary.Created * 1000),
  };
}

function parseEnv(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    if (separator > 0) env[entry.slice(0, separator)] = entry.slice(separator + 1);
  }
  return env;
}

/** Docker reports "never" as the zero time `0001-01-01T00:00:00Z`. */
function parseDockerDate(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-')) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
