import type { ContainerStats as DockerStats } from 'dockerode';
import { isEmptyStatsSample, toContainerStats } from './docker-stats.mapper';

function dockerSample(overrides: Record<string, unknown>): DockerStats {
  return {
    read: '2026-01-01T00:00:01Z',
    preread: '2026-01-01T00:00:00Z',
    memory_stats: { usage: 2048, max_usage: 4096 },
    cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 200, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 100 },
    pids_stats: { current: 3 },
    ...overrides,
  } as unknown as DockerStats;
}

describe('Docker stats mapping', () => {
  it('maps memory, the cgroup peak, CPU time and pids', () => {
    expect(toContainerStats(dockerSample({}))).toMatchObject({
      memoryBytes: 2048,
      memoryPeakBytes: 4096,
      cpuTotalNs: 3_000_000,
      pids: 3,
    });
  });

  it('reports no peak when the engine has none (cgroup v2)', () => {
    expect(toContainerStats(dockerSample({ memory_stats: { usage: 10 } })).memoryPeakBytes).toBe(
      null,
    );
  });

  it('recognises the empty samples Docker sends for a stopped container', () => {
    expect(isEmptyStatsSample({ read: '0001-01-01T00:00:00Z' })).toBe(true);
    expect(isEmptyStatsSample({ read: '' })).toBe(true);
    expect(isEmptyStatsSample(dockerSample({}))).toBe(false);
  });
});
