import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { cpus } from 'node:os';
import { InjectConfig, RuncellConfig } from '../../config';
import { CONTAINER_ENGINE, ContainerEngine } from '../../container-engine';
import { MetricsService } from '../../metrics/metrics.service';
import { RuntimeRegistry } from '../registry/runtime-registry.service';

export interface RuntimeUsage {
  status: 'pass' | 'fail';
  /** CPU use in percent of one core; null when unknown. */
  usage: number | null;
  memoryBytes: number | null;
}

export interface ExecutorStats {
  /** Host CPU use in percent since the previous sample; null before the second one. */
  usage: number | null;
  runtimes: Record<string, RuntimeUsage>;
  /** ISO time of the sample; null before the first one. */
  collectedAt: string | null;
}

/**
 * Samples the CPU and memory of this process's runtime containers on an interval and caches
 * them, so `/v1/health/stats` and metric scrapes never wait for the container engine.
 */
@Injectable()
export class RuntimeStatsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RuntimeStatsService.name);
  private latest: ExecutorStats = { usage: null, runtimes: {}, collectedAt: null };
  private previousCpu: { idle: number; total: number } | null = null;
  private timer?: NodeJS.Timeout;
  private collecting = false;

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    @Inject(CONTAINER_ENGINE) private readonly engine: ContainerEngine,
    private readonly registry: RuntimeRegistry,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    // A first sample now, so host usage is known one interval after start instead of two.
    void this.collect();
    this.timer = setInterval(
      () => void this.collect(),
      this.config.executor.statsIntervalSeconds * 1000,
    );
    this.timer.unref();
    this.metrics.onCollect(() => this.refreshGauges());
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The cached sample. */
  current(): ExecutorStats {
    return this.latest;
  }

  /** Takes one sample of every started runtime; a run still going is not overlapped. */
  async collect(): Promise<ExecutorStats> {
    if (this.collecting) return this.latest;
    this.collecting = true;
    try {
      const entries = this.registry.entriesList().filter((e) => e.row.status !== 'pending');
      const samples = await Promise.all(
        entries.map(async (entry): Promise<[string, RuntimeUsage]> => {
          try {
            const stats = await this.engine.stats(entry.row.name);
            return [
              entry.row.name,
              { status: 'pass', usage: stats.cpuPercent, memoryBytes: stats.memoryBytes },
            ];
          } catch (error) {
            this.logger.debug(`Stats of ${entry.row.name} failed: ${String(error)}`);
            return [entry.row.name, { status: 'fail', usage: null, memoryBytes: null }];
          }
        }),
      );
      this.latest = {
        usage: this.hostUsage(),
        runtimes: Object.fromEntries(samples),
        collectedAt: new Date().toISOString(),
      };
      return this.latest;
    } finally {
      this.collecting = false;
    }
  }

  private refreshGauges(): void {
    this.metrics.runtimes.reset();
    for (const row of this.registry.rows()) {
      this.metrics.runtimes.inc({ status: row.status === 'pending' ? 'pending' : 'up' });
    }
    this.metrics.runtimeCpu.reset();
    this.metrics.runtimeMemory.reset();
    for (const [runtime, usage] of Object.entries(this.latest.runtimes)) {
      if (!this.registry.has(runtime)) continue;
      if (usage.usage !== null) this.metrics.runtimeCpu.set({ runtime }, usage.usage);
      if (usage.memoryBytes !== null)
        this.metrics.runtimeMemory.set({ runtime }, usage.memoryBytes);
    }
  }

  private hostUsage(): number | null {
    let idle = 0;
    let total = 0;
    for (const cpu of cpus()) {
      idle += cpu.times.idle;
      total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq + cpu.times.idle;
    }
    const previous = this.previousCpu;
    this.previousCpu = { idle, total };
    if (!previous || total === previous.total) return null;
    return (1 - (idle - previous.idle) / (total - previous.total)) * 100;
  }
}
