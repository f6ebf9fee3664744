import autocannon from 'autocannon';
import { cpuMs } from './processes';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Open-loop: a constant total request rate instead of as-fast-as-possible. */
  ratePerSecond?: number;
  /** A process whose CPU time per request is reported (the server under test). */
  serverPid?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** CPU time the server process spent per request, in µs (when `serverPid` was given). */
  serverCpuUsPerRequest?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = options.serverPid ? cpuMs(options.serverPid) : 0;
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.ratePerSecond,
    timeout: 30,
  });
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.total / options.durationSeconds),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...(options.serverPid && result.requests.total > 0
      ? {
          serverCpuUsPerRequest: Math.round(
            ((cpuMs(options.serverPid) - cpuBefore) * 1000) / result.requests.total,
          ),
        }
      : {}),
  };
}
