import type { PathFigures, SandboxPathsResult } from '../scenarios/sandbox-paths';
import { ratio, round } from './stats';

/** The issue's goals, against the raw hardened `docker run` of the same image in the same run. */
export const SANDBOX_GOALS = { p50Ratio: 0.25, p99Ratio: 0.5, batchFactor: 8 };

const LABELS: Record<PathFigures['path'], string> = {
  raw: 'raw hardened `docker run --rm -i`',
  'no-pool': 'Runcell, no pool (`SANDBOX_POOL_SIZE=0`)',
  pool: 'Runcell, default pool',
};

/** Raw `docker run` first: its own 8-client factor shows what Docker alone allows here. */
const PATHS_RATED: PathFigures['path'][] = ['raw', 'no-pool', 'pool'];

function mark(ok: boolean): string {
  return ok ? 'meets' : '**misses**';
}

/** Markdown lines of scenario 3's sandbox paths: figures, goal ratios, integrity, leftovers. */
export function renderSandboxPaths(result: SandboxPathsResult): string[] {
  const lines = [
    '### 3b. Sandbox paths, interleaved: raw `docker run` vs. Runcell without and with the pool',
    '',
    `POST → terminal status of a trivial program; ${result.runsPerPath} runs per path at 1 client (polled every 5 ms), and 8 clients (8 users, back to back, Runcell's with \`?wait=60\`) in two alternating rounds. At 8 clients the machine's busy CPU time (\`/proc/stat\`, all processes) is counted per step: the share of the ${result.cores} cores busy, and core-ms per execution.`,
    '',
    '| Language | Path | clients | runs | p50 | p99 | executions/s | cores busy | machine CPU ms / execution |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { language, figures } of result.languages) {
    for (const one of figures)
      lines.push(
        `| ${language} | ${LABELS[one.path]} | ${one.clients} | ${one.runs} | ${one.p50} | ${one.p99} | ${one.perSecond} | ${one.machine ? `${Math.round(one.machine.busyShare * 100)} %` : '—'} | ${one.machine?.cpuMsPerExecution ?? '—'} |`,
      );
  }
  lines.push(
    '',
    `Goals: p50 ≤ ${SANDBOX_GOALS.p50Ratio}× raw p50, p99 ≤ ${SANDBOX_GOALS.p99Ratio}× raw p99 (1 client); 8 users ≥ ${SANDBOX_GOALS.batchFactor}× the raw sequential rate (1 / raw p50).`,
    '',
    `The last column is the most this machine allows at that CPU cost: ${result.cores} cores ÷ the machine CPU per execution measured at 8 clients, ÷ the raw sequential rate.`,
    '',
    '| Language | Path | p50 ratio | p99 ratio | 8 users ÷ raw sequential rate | CPU-bound ceiling ÷ raw sequential rate |',
    '|---|---|---|---|---|---|',
  );
  for (const { language, figures } of result.languages) {
    const find = (path: PathFigures['path'], clients: number) =>
      figures.find((one) => one.path === path && one.clients === clients);
    const raw = find('raw', 1);
    if (!raw) continue;
    const rawRate = 1000 / raw.p50;
    const ceilingOf = (batch: PathFigures) =>
      batch.machine
        ? `${round((result.cores * 1000) / batch.machine.cpuMsPerExecution / rawRate, 2)}×`
        : '—';
    for (const path of PATHS_RATED) {
      const single = find(path, 1);
      const batch = find(path, 8);
      if (!single || !batch) continue;
      const p50 = ratio(single.p50, raw.p50);
      const p99 = ratio(single.p99, raw.p99);
      const factor = round(batch.perSecond / rawRate, 2);
      if (path === 'raw') {
        lines.push(
          `| ${language} | ${LABELS[path]} (Docker alone, for scale) | 1 | 1 | ${factor}× | ${ceilingOf(batch)} |`,
        );
        continue;
      }
      lines.push(
        `| ${language} | ${LABELS[path]} | ${p50} (${mark(p50 <= SANDBOX_GOALS.p50Ratio)}) | ${p99} (${mark(p99 <= SANDBOX_GOALS.p99Ratio)}) | ${factor}× (${mark(factor >= SANDBOX_GOALS.batchFactor)}) | ${ceilingOf(batch)} |`,
      );
    }
  }
  lines.push(
    '',
    `\`POST …/executions?wait=10\` → 200 with the output (Python): ${result.wait.map((one) => `${LABELS[one.path]} p50 ${one.p50} ms, p99 ${one.p99} ms (${one.runs} runs)`).join('; ')}.`,
    '',
    `Integrity: ${result.integrity.map((one) => `${LABELS[one.path]}: ${one.posted} posted, ${one.completed} completed, **${one.lost} lost, ${one.duplicated} duplicated**`).join('; ')}. Containers of either instance left after both stopped: **${result.leftoverContainers}**.`,
    '',
  );
  return lines;
}
