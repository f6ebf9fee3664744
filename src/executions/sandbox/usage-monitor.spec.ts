import type { ContainerStats } from '../../container-engine';
import { UsageMonitor } from './usage-monitor';

function sample(overrides: Partial<ContainerStats>): ContainerStats {
  return {
    memoryBytes: 0,
    memoryPeakBytes: null,
    cpuTotalNs: 0,
    cpuPercent: null,
    pids: null,
    ...overrides,
  };
}

describe('UsageMonitor', () => {
  it('reports nothing before the first sample', () => {
    expect(new UsageMonitor().usage()).toEqual({ memoryPeakBytes: null, cpuMs: null });
  });

  it('keeps the highest peak and CPU counter, even when a later sample is lower', () => {
    const sut = new UsageMonitor();
    sut.record(sample({ memoryBytes: 5, memoryPeakBytes: 30_000_000, cpuTotalNs: 2_400_000 }));
    sut.record(sample({ memoryBytes: 5, memoryPeakBytes: 10_000_000, cpuTotalNs: 1_000_000 }));
    expect(sut.usage()).toEqual({ memoryPeakBytes: 30_000_000, cpuMs: 2 });
  });

  it('falls back to current usage when the engine reports no peak', () => {
    const sut = new UsageMonitor();
    sut.record(sample({ memoryBytes: 4096, cpuTotalNs: 7_600_000 }));
    expect(sut.usage()).toEqual({ memoryPeakBytes: 4096, cpuMs: 8 });
  });
});
