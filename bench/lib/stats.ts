/** Percentile by nearest rank over a copy of the samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(Math.max(rank, 0), sorted.length - 1)];
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? NaN : round(value / baseline, 3);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Runcell's samples and its baseline's from the same run, with their medians and p99s. */
export interface PairedSamples {
  runs: number;
  runcellMs: number[];
  rawMs: number[];
  runcellMedian: number;
  rawMedian: number;
  runcellP99: number;
  rawP99: number;
}

export function pairedSamples(runcellMs: number[], rawMs: number[]): PairedSamples {
  return {
    runs: runcellMs.length,
    runcellMs,
    rawMs,
    runcellMedian: median(runcellMs),
    rawMedian: median(rawMs),
    runcellP99: percentile(runcellMs, 99),
    rawP99: percentile(rawMs, 99),
  };
}
