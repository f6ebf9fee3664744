import { RuntimeRegistry } from '../registry/runtime-registry.service';
import { ExecutorStats } from './runtime-stats.service';

/** The `/v1/health` answer of executors up to 0.17, which the open-runtimes proxy expects. */
export interface LegacyHealth {
  status: 'pass';
  /** Host CPU use in percent; null until two samples were taken. */
  usage: number | null;
  /** Keyed by runtime id (the container name without `<executor hostname>-`). */
  runtimes: Record<string, { status: 'pass' | 'fail'; usage: number | null }>;
}

/** Builds the legacy answer from the cached sample, leaving out runtimes removed since. */
export function legacyHealth(
  stats: ExecutorStats,
  registry: RuntimeRegistry,
  executorHostname: string,
): LegacyHealth {
  const prefix = `${executorHostname}-`;
  const runtimes: LegacyHealth['runtimes'] = {};
  for (const [name, sample] of Object.entries(stats.runtimes)) {
    if (!registry.has(name) || !name.startsWith(prefix)) continue;
    runtimes[name.slice(prefix.length)] = { status: sample.status, usage: sample.usage };
  }
  return { status: 'pass', usage: stats.usage, runtimes };
}
