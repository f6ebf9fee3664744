import type { ProfileSummary } from './cpu-profile';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { ApiResult } from '../scenarios/api';
import type { ColdResult } from '../scenarios/cold';
import type { TasksResult } from '../scenarios/tasks';
import type { WarmResult } from '../scenarios/warm';
import type { SandboxPathsResult } from '../scenarios/sandbox-paths';
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
  warmAddedP50Ms: 1,
  warmAddedP99Ms: 5,
  coldRatio: 1.15,
  taskRatio: 1.3,
  apiShare: 0.4,
  idleRssMiB: 150,
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

/** A negative added latency means the baseline itself was disturbed: no verdict from it. */
function addedVerdict(added: number, target: number): string {
  return added < 0 ? 'inconclusive (baseline slower, machine busy)' : verdict(added <= target);
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
  if (warm) {
    const { latency, throughput } = warm;
    const addedJson = {
      p50: latency.json.p50 - latency.direct.p50,
      p99: latency.json.p99 - latency.direct.p99,
    };
    const addedMultipart = {
      p50: latency.multipart.p50 - latency.direct.p50,
      p99: latency.multipart.p99 - latency.direct.p99,
    };
    lines.push(
      '## 1. Warm execution overhead (`POST /v1/runtimes/{id}/executions` vs. the runtime container directly)',
      '',
      `Open loop at ${warm.settings.ratePerSecond} req/s (${warm.settings.connections} connections, ${warm.settings.durationSeconds} s each) for latency; closed loop with ${warm.settings.connections} connections for throughput.`,
      '',
      '| Path | p50 | p90 | p99 | added p50 | added p99 | max req/s | throughput ratio | errors/non-2xx |',
      '|---|---|---|---|---|---|---|---|---|',
      `| runtime direct | ${latency.direct.p50} | ${latency.direct.p90} | ${latency.direct.p99} | — | — | ${throughput.direct.rps} | 1 | ${latency.direct.errors + throughput.direct.errors}/${latency.direct.non2xx + throughput.direct.non2xx} |`,
      `| Runcell JSON | ${latency.json.p50} | ${latency.json.p90} | ${latency.json.p99} | ${addedJson.p50} | ${addedJson.p99} | ${throughput.json.rps} | ${ratio(throughput.json.rps, throughput.direct.rps)} | ${latency.json.errors + throughput.json.errors}/${latency.json.non2xx + throughput.json.non2xx} |`,
      `| Runcell multipart | ${latency.multipart.p50} | ${latency.multipart.p90} | ${latency.multipart.p99} | ${addedMultipart.p50} | ${addedMultipart.p99} | ${throughput.multipart.rps} | ${ratio(throughput.multipart.rps, throughput.direct.rps)} | ${latency.multipart.errors + throughput.multipart.errors}/${latency.multipart.non2xx + throughput.multipart.non2xx} |`,
      '',
      `Target added ≤ ${TARGETS.warmAddedP50Ms} ms p50 / ≤ ${TARGETS.warmAddedP99Ms} ms p99: JSON p50 ${addedVerdict(addedJson.p50, TARGETS.warmAddedP50Ms)}, p99 ${addedVerdict(addedJson.p99, TARGETS.warmAddedP99Ms)}; multipart p50 ${addedVerdict(addedMultipart.p50, TARGETS.warmAddedP50Ms)}, p99 ${addedVerdict(addedMultipart.p99, TARGETS.warmAddedP99Ms)}. (autocannon reports whole milliseconds.)`,
      '',
    );
  }
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
          `| ${name} | ${step.connections} | ${step.result.rps} | ${step.result.p50} | ${step.result.p99} | ${step.result.errors}/${step.result.non2xx} |`,
      );
    lines.push(
      '## 4. API (`GET /api/v1/tasks`, 20 tasks, JWT) vs. bare Fastify hello-world',
      '',
      '| Server | connections | req/s | p50 | p99 | errors/non-2xx |',
      '|---|---|---|---|---|---|',
      ...stepRows('bare Fastify', api.bare),
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
