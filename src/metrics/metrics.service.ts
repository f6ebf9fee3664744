import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric of the process, in one registry. Modules record into these; gauges
 * that mirror state elsewhere are refreshed by collectors registered with `onCollect`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly collectors: (() => Promise<void> | void)[] = [];

  readonly httpRequests = new Counter({
    name: 'runcell_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'runcell_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly executionDuration = new Histogram({
    name: 'runcell_execution_duration_seconds',
    help: 'Run time of finished executions by kind (task, runtime) and final status',
    labelNames: ['kind', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  readonly coldStartDuration = new Histogram({
    name: 'runcell_runtime_cold_start_duration_seconds',
    help: 'Time from runtime creation to its first ready answer',
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'runcell_queue_jobs',
    help: 'Jobs in the execution queue by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly runningSandboxes = new Gauge({
    name: 'runcell_sandboxes_running',
    help: 'Sandboxes running in this process',
    registers: [this.registry],
  });

  readonly sandboxPoolSize = new Gauge({
    name: 'runcell_sandbox_pool_size',
    help: 'Warm sandboxes ready in this worker, by language',
    labelNames: ['language'] as const,
    registers: [this.registry],
  });

  readonly sandboxPoolHits = new Counter({
    name: 'runcell_sandbox_pool_hits_total',
    help: 'Executions that ran in a warm sandbox, by language',
    labelNames: ['language'] as const,
    registers: [this.registry],
  });

  readonly sandboxPoolMisses = new Counter({
    name: 'runcell_sandbox_pool_misses_total',
    help: 'Executions that ran in a sandbox created for them, by language and reason (disabled, unpooled, empty, engine)',
    labelNames: ['language', 'reason'] as const,
    registers: [this.registry],
  });

  readonly sandboxPoolRefill = new Histogram({
    name: 'runcell_sandbox_pool_refill_seconds',
    help: 'Time to create and start one warm sandbox, by language',
    labelNames: ['language'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly runtimes = new Gauge({
    name: 'runcell_runtimes',
    help: 'OpenRuntimes runtimes known to this process by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly runtimeCpu = new Gauge({
    name: 'runcell_runtime_cpu_percent',
    help: 'CPU use of a runtime container, in percent of one core (last sample)',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });

  readonly runtimeMemory = new Gauge({
    name: 'runcell_runtime_memory_bytes',
    help: 'Memory use of a runtime container (last sample)',
    labelNames: ['runtime'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'runcell_' });
  }

  /** Registers a refresh run before every scrape (keep it cheap: cached values only). */
  onCollect(collector: () => Promise<void> | void): void {
    this.collectors.push(collector);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.all(this.collectors.map(async (collect) => collect()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
