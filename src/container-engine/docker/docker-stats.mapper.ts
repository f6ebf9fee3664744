import type { ContainerStats as DockerStats } from 'dockerode';
import { ContainerStats } from '../container-engine';

/** Docker reports samples of a stopped container with the zero time and empty counters. */
export function isEmptyStatsSample(stats: Pick<DockerStats, 'read'>): boolean {
  return !stats.read || stats.read.startsWith('0001-');
}

export function toContainerStats(stats: DockerStats): ContainerStats {
  const memory = stats.memory_stats as
    | { usage?: number; max_usage?: number; stats?: Record<string, number> }
    | undefined;
  const cpuTotal = stats.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const previousCpu = stats.precpu_stats?.cpu_usage?.total_usage ?? 0;
  const systemDelta =
    (stats.cpu_stats?.system_cpu_usage ?? 0) - (stats.precpu_stats?.system_cpu_usage ?? 0);
  const cores = stats.cpu_stats?.online_cpus ?? 1;
  const cpuPercent =
    systemDelta > 0 && previousCpu > 0
      ? ((cpuTotal - previousCpu) / systemDelta) * cores * 100
      : null;
  return {
    memoryBytes: memory?.usage ?? 0,
    memoryPeakBytes: memory?.max_usage ?? null,
    cpuTotalNs: cpuTotal,
    cpuPercent,
    pids: stats.pids_stats?.current ?? null,
  };
}
