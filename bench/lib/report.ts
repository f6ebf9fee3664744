import type { ProfileSummary } from './cpu-profile';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { ApiResult } from '../scenarios/api';
import type { ColdResult } from '../scenarios/cold';
import type { TasksResult } from '../scenarios/tasks';
import type { SequentialResult } from '../scenarios/sequential';
import type { WarmResult } from '../scenarios/warm';
import type { SandboxPathsResult } from '../scenarios/sandbox-paths';
import type { LoadResult, LoadRounds } from './load';
import { renderSandboxPaths } from './sandbox-paths-report';
import { ratio, round } from './stats';

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  command: string[];
  machine: Record<string, string | number>;
  idleRssMiB?: number;
  warm?: WarmResult;
  cold?: ColdResult;
  api?: ApiResult;
  tasks?: TasksResult;
  sandboxPaths?: SandboxPathsResult;
  leftoverContainers?: number;
  /** Where Runcell's CPU went in each scenario (sampled in the child process). */
  cpuProfile?: ProfileSummary[];
}

export const TARGETS = {
  /** Sequential client: Runcell's p50 and p99 at most this many times the direct call's. */
  warmSequentialRatio: 3,
  /** Closed loop at N connections: Runcell's req/s at least this share of the direct path's. */
  warmThroughputShare: 0.35,
  coldRatio: 1.05,
  taskRatio: 1.3,
  apiShare: 0.6,
  idleRssMiB: 120,
};

export function machineInfo(): Record<string, string | number> {
  let docker = 'unknown';
  try {
    docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'])
      .toString()
      .trim();
  } catch {
    // reported as unknown
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    freeMemoryGiB: round(freemem() / 1024 ** 3, 1),
    loadAverageAtStart: loadavg()
      .map((value) => round(value, 1))
      .join(' / '),
    kernel: release(),
    node: process.version,
    docker,
  };
}

function verdict(ok: boolean): string {
  return ok ? 'meets' : '**misses**';
}

function renderProfile(summaries: ProfileSummary[]): string[] {
  const lines = [
    '## CPU profile of the Runcell process (top functions by self time per scenario)',
    '',
    'Sampled in the child with the V8 profiler (1 ms interval) for the whole run; busy = share of samples not idle.',
    '',
  ];
  for (const summary of summaries) {
    lines.push(
      `### ${summary.scenario}: ${summary.sampledMs} ms sampled, busy ${summary.busyShare}%`,
      '',
      '| function | location | self ms | share % |',
      '|---|---|---|---|',
      ...summary.top.map(
        (hot) => `| \`${hot.function}\` | ${hot.location || '—'} | ${hot.selfMs} | ${hot.share} |`,
      ),
      '',
    );
  }
  return lines;
}

function renderWarm(warm: WarmResult): string[] {
  const { latency, throughput, sequential } = warm;
  const path = (name: string, figures: SequentialResult['direct']) =>
    `| ${name} | ${figures.calls} | ${figures.p50Us} | ${figures.p90Us} | ${figures.p99Us} | ${figures.maxUs} | ${figures.failures} |`;
  const loadRow = (name: string, open: LoadResult, closed: LoadResult) =>
    `| ${name} | ${open.p50} | ${open.p90} | ${open.p99} | ${closed.rps} | ${ratio(closed.rps, throughput.direct.rps)} | ${closed.serverCpuUsPerRequest ?? '—'} | ${open.errors + closed.errors}/${open.non2xx + closed.non2xx} |`;
  const jsonShare = ratio(throughput.json.rps, throughput.direct.rps);
  const multipartShare = ratio(throughput.multipart.rps, throughput.direct.rps);
  return [
    '## 1. Warm execution overhead (`POST /v1/runtimes/{id}/executions` vs. the runtime container directly)',
    '',
    `Sequential client (one call at a time, keep-alive, timed with \`process.hrtime.bigint()\`), ${sequential.rounds} rounds of ${sequential.callsPerRound} calls per path, the paths alternating; latencies in µs:`,
    '',
    '| Path | calls | p50 µs | p90 µs | p99 µs | max µs | failures |',
    '|---|---|---|---|---|---|---|',
    path('runtime direct', sequential.direct),
    path('Runcell JSON', sequential.runcell),
    '',
    `Runcell ÷ direct: p50 ${sequential.p50Ratio}×, p99 ${sequential.p99Ratio}×. Target ≤ ${TARGETS.warmSequentialRatio}×: p50 ${verdict(sequential.p50Ratio <= TARGETS.warmSequentialRatio)}, p99 ${verdict(sequential.p99Ratio <= TARGETS.warmSequentialRatio)}.`,
    '',
    `Open loop at ${warm.settings.ratePerSecond} req/s (${warm.settings.connections} connections, ${warm.settings.durationSeconds} s each) for latency (autocannon, whole ms); closed loop with ${warm.settings.connections} connections for throughput, the three paths interleaved in ${describeRounds(warm.throughputRounds)} (req/s over all rounds, latencies the worst round's).`,
    '',
    '| Path | p50 | p90 | p99 | max req/s | throughput ratio | Runcell CPU µs/request | errors/non-2xx |',
    '|---|---|---|---|---|---|---|---|',
    loadRow('runtime direct', latency.direct, throughput.direct),
    loadRow('Runcell JSON', latency.json, throughput.json),
    loadRow('Runcell multipart', latency.multipart, throughput.multipart),
    '',
    `Target ≥ ${TARGETS.warmThroughputShare}× the direct throughput: JSON ${verdict(jsonShare >= TARGETS.warmThroughputShare)}, multipart ${verdict(multipartShare >= TARGETS.warmThroughputShare)}.`,
    '',
  ];
}

export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [
    '# Runcell benchmark — latest run',
    '',
    `Run ${results.startedAt} → ${results.finishedAt ?? 'unfinished'}; command: \`npm run bench -- ${results.command.join(' ')}\`.`,
    '',
    '| Machine | |',
    '|---|---|',
    ...Object.entries(results.machine).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    'All latencies in ms. Every ratio is Runcell ÷ its baseline from this same run.',
    '',
  ];
  const { warm, cold, api, tasks } = results;
  if (warm) lines.push(...renderWarm(warm));
  if (cold) {
    const coldRatio = ratio(cold.runcellMedian, cold.rawMedian);
    lines.push(
      '## 2. Cold start (create → first 200)',
      '',
      '| Path | runs | median | p99 (= max at this N) | ratio (median) |',
      '|---|---|---|---|---|',
      `| raw Docker create + start + poll | ${cold.runs} | ${round(cold.rawMedian, 1)} | ${round(cold.rawP99, 1)} | 1 |`,
      `| Runcell \`POST /v1/runtimes\` + first execution | ${cold.runs} | ${round(cold.runcellMedian, 1)} | ${round(cold.runcellP99, 1)} | ${coldRatio} |`,
      '',
      `Target ≤ ${TARGETS.coldRatio}×: ${verdict(coldRatio <= TARGETS.coldRatio)}.`,
      '',
    );
  }
  if (tasks) {
    const taskRatio = ratio(tasks.runcellMedian, tasks.rawMedian);
    const { batch } = tasks;
    lines.push(
      '## 3. Task executions (trivial Python, `print("hello")`)',
      '',
      '| Path | runs | median | p99 (= max at this N) | ratio (median) |',
      '|---|---|---|---|---|',
      `| raw \`docker run --rm -i\` with the sandbox flags | ${tasks.runs} | ${round(tasks.rawMedian, 1)} | ${round(tasks.rawP99, 1)} | 1 |`,
      `| Runcell POST → terminal status | ${tasks.runs} | ${round(tasks.runcellMedian, 1)} | ${round(tasks.runcellP99, 1)} | ${taskRatio} |`,
      '',
      `Target ≤ ${TARGETS.taskRatio}×: ${verdict(taskRatio <= TARGETS.taskRatio)}.`,
      '',
      'Hello world per language, POST → finished (compiled languages include their compile stage):',
      '',
      '| Language | runs | median | max | compile stage median |',
      '|---|---|---|---|---|',
      ...(tasks.languages ?? []).map(
        (language) =>
          `| ${language.language} | ${language.runs} | ${round(language.medianMs, 1)} | ${round(language.maxMs, 1)} | ${language.compileMedianMs === null ? '—' : round(language.compileMedianMs, 1)} |`,
      ),
      '',
      `Batch: ${batch.size} executions queued at once → ${batch.completed} completed, ${batch.otherTerminal} other terminal, **${batch.lost} lost**, in ${batch.seconds} s = ${batch.perSecond} executions/s (raw sequential \`docker run\` would be ≈ ${round(1000 / tasks.rawMedian, 2)}/s).`,
      '',
    );
  }
  if (results.sandboxPaths) lines.push(...renderSandboxPaths(results.sandboxPaths));
  if (api) {
    const share = ratio(api.runcellRps, api.bareRps);
    const stepRows = (name: string, steps: ApiResult['runcell']) =>
      steps.map(
        (step) =>
          `| ${name} | ${step.connections} | ${step.result.rps} | ${step.result.p50} | ${step.result.p99} | ${step.result.serverCpuUsPerRequest ?? '—'} | ${step.result.errors}/${step.result.non2xx} |`,
      );
    lines.push(
      '## 4. API (`GET /api/v1/tasks`, 20 tasks, JWT) vs. hand-written bare Fastify doing the same work',
      '',
      `Both servers run side by side; each connection step alternates between them in ${describeRounds(api.rounds)} (req/s over all rounds, p50/p99 the worst round's).`,
      '',
      '| Server | connections | req/s | p50 | p99 | server CPU µs/request | errors/non-2xx |',
      '|---|---|---|---|---|---|---|',
      ...stepRows('hand-written Fastify', api.bare),
      ...stepRows('Runcell', api.runcell),
      '',
      `Best req/s with p99 < ${api.p99BudgetMs} ms: Runcell ${api.runcellRps}, bare ${api.bareRps} → ratio ${share}. Target ≥ ${TARGETS.apiShare}: ${verdict(share >= TARGETS.apiShare)}.`,
      '',
    );
  }
  lines.push(
    '## 5. Memory (RSS of the Runcell process, MiB)',
    '',
    '| State | median | peak |',
    '|---|---|---|',
  );
  if (results.idleRssMiB !== undefined)
    lines.push(`| idle after start | ${results.idleRssMiB} | ${results.idleRssMiB} |`);
  if (warm)
    lines.push(
      `| warm execution load | ${warm.rssUnderLoad.medianMiB} | ${warm.rssUnderLoad.peakMiB} |`,
    );
  if (api) lines.push(`| API load | ${api.rssUnderLoad.medianMiB} | ${api.rssUnderLoad.peakMiB} |`);
  if (tasks)
    lines.push(
      `| task batch | ${tasks.batch.rssUnderLoad.medianMiB} | ${tasks.batch.rssUnderLoad.peakMiB} |`,
    );
  if (results.idleRssMiB !== undefined) {
    lines.push(
      '',
      `Idle target ≤ ${TARGETS.idleRssMiB} MiB: ${verdict(results.idleRssMiB <= TARGETS.idleRssMiB)}.`,
    );
  }
  lines.push(
    '',
    `Containers left behind after cleanup: ${results.leftoverContainers ?? 'unknown'}.`,
    '',
  );
  if (results.cpuProfile) lines.push(...renderProfile(results.cpuProfile));
  return `${lines.join('\n')}\n`;
}

function describeRounds({ rounds, roundSeconds }: LoadRounds): string {
  return `${rounds} round(s) of ${roundSeconds} s`;
}
