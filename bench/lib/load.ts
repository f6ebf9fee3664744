import autocannon from 'autocannon';
import { cpuMs } from './processes';
import { sum } from './stats';

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

export interface LoadRounds {
  rounds: number;
  roundSeconds: number;
}

/** `totalSeconds` of load per target, cut into `rounds` rounds of whole seconds (2 at least). */
export function loadRounds(totalSeconds: number, rounds: number): LoadRounds {
  const count = Math.max(1, Math.round(rounds));
  return { rounds: count, roundSeconds: Math.max(2, Math.round(totalSeconds / count)) };
}

/**
 * Closed-loop load on several targets in rounds: every round runs each target once for
 * `roundSeconds`, the order rotating from round to round, so that drift in other work on the
 * machine falls on every target alike instead of on whichever ran last. `around` wraps each
 * run (to sample a server's memory only while it is loaded, say).
 */
export async function runInterleaved(
  targets: Omit<LoadOptions, 'durationSeconds'>[],
  { rounds, roundSeconds }: LoadRounds,
  around: (index: number, run: () => Promise<LoadResult>) => Promise<LoadResult> = (_, run) =>
    run(),
): Promise<LoadResult[]> {
  const runs: LoadResult[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let position = 0; position < targets.length; position += 1) {
      const index = (position + round) % targets.length;
      const options = { ...targets[index], durationSeconds: roundSeconds };
      runs[index].push(await around(index, () => runLoad(options)));
    }
  }
  return runs.map((targetRuns) => mergeRounds(targetRuns, roundSeconds));
}

/**
 * One result for a target's rounds: req/s over all of them, each latency percentile the worst
 * round's (autocannon does not hand out its histograms), CPU per request over all requests.
 */
function mergeRounds(rounds: LoadResult[], roundSeconds: number): LoadResult {
  const requests = sum(rounds.map((round) => round.requests));
  const worst = (pick: (round: LoadResult) => number) => Math.max(...rounds.map(pick));
  const cpuRounds = rounds.filter((round) => round.serverCpuUsPerRequest !== undefined);
  const cpuRequests = sum(cpuRounds.map((round) => round.requests));
  return {
    requests,
    rps: Math.round(requests / (roundSeconds * rounds.length)),
    p50: worst((round) => round.p50),
    p90: worst((round) => round.p90),
    p99: worst((round) => round.p99),
    max: worst((round) => round.max),
    non2xx: sum(rounds.map((round) => round.non2xx)),
    errors: sum(rounds.map((round) => round.errors)),
    ...(cpuRequests > 0
      ? {
          serverCpuUsPerRequest: Math.round(
            sum(cpuRounds.map((round) => (round.serverCpuUsPerRequest ?? 0) * round.requests)) /
              cpuRequests,
          ),
        }
      : {}),
  };
}
