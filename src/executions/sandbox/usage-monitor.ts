import type { ContainerStats } from '../../container-engine';

/**
 * Peak memory and CPU time from the engine's stats feed. On cgroup v1 `memoryPeakBytes` is the
 * kernel's high-water mark (memory.max_usage_in_bytes), so any sample reports the peak so far;
 * CPU time is the cumulative cgroup counter. Samples come about once a second and stop with the
 * container, so both are lower bounds of the last second of a run, and null for a run that ended
 * before the first sample.
 */
export class UsageMonitor {
  private memoryPeakBytes: number | null = null;
  private cpuTotalNs: number | null = null;

  record(sample: ContainerStats): void {
    const memory = sample.memoryPeakBytes ?? sample.memoryBytes;
    if (memory > 0) this.memoryPeakBytes = Math.max(this.memoryPeakBytes ?? 0, memory);
    if (sample.cpuTotalNs > 0) this.cpuTotalNs = Math.max(this.cpuTotalNs ?? 0, sample.cpuTotalNs);
  }

  usage(): { memoryPeakBytes: number | null; cpuMs: number | null } {
    return {
      memoryPeakBytes: this.memoryPeakBytes,
      cpuMs: this.cpuTotalNs === null ? null : Math.round(this.cpuTotalNs / 1e6),
    };
  }
}
