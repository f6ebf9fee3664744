import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { nowUs, ProfileWindow, readNewestProfile, summarizeProfile } from './lib/cpu-profile';
import { functionArchive } from './lib/function-archive';
import { buildRuncell, rssMiB, sleep } from './lib/processes';
import { removeBenchContainers, startRuncell } from './lib/runcell';
import { machineInfo, renderMarkdown } from './lib/report';
import { measureColdStart } from './scenarios/cold';
import { measureWarm } from './scenarios/warm';
import { measureApi } from './scenarios/api';
import { measureTasks } from './scenarios/tasks';
import { measureSandboxPaths } from './scenarios/sandbox-paths';
import type { BenchResults } from './lib/report';

const RESULTS_DIR = join(__dirname, 'results');

function flag(name: string, fallback: number): number {
  const found = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

function selected(name: string): boolean {
  const only = process.argv.find((argument) => argument.startsWith('--only='));
  return !only || only.slice('--only='.length).split(',').includes(name);
}

async function main(): Promise<void> {
  const seconds = flag('seconds', 8);
  const rounds = flag('rounds', 3);
  process.stdout.write('building Runcell (tsconfig.build.json)...\n');
  buildRuncell();
  const profiling = flag('profile', 1) !== 0;
  const profileFolder = mkdtempSync(join(tmpdir(), 'runcell-bench-profile-'));
  const profileFile = join(profileFolder, 'runcell.cpuprofile');
  // Idle memory comes from a Runcell started without the profiler, which holds memory of its own.
  const idleRssMiB = await measureIdleRss();
  const runcell = await startRuncell(profiling ? profileFile : undefined);
  const windows: ProfileWindow[] = [];
  const scenario = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const startUs = nowUs();
    try {
      return await run();
    } finally {
      windows.push({ name, startUs, endUs: nowUs() });
    }
  };
  const { folder, archive } = functionArchive();
  const startedAt = new Date().toISOString();
  const results: BenchResults = {
    startedAt,
    machine: machineInfo(),
    command: process.argv.slice(2),
  };
  try {
    results.idleRssMiB = idleRssMiB;
    process.stdout.write(`idle RSS ${results.idleRssMiB} MiB\n`);
    if (selected('warm')) {
      process.stdout.write('warm execution overhead...\n');
      results.warm = await scenario('warm', () =>
        measureWarm(runcell, archive, {
          durationSeconds: seconds,
          ratePerSecond: flag('rate', 100),
          connections: flag('connections', 8),
          sequentialRounds: flag('sequential-rounds', 20),
          sequentialCalls: flag('sequential-calls', 100),
          loadRounds: rounds,
        }),
      );
    }
    if (selected('cold')) {
      process.stdout.write('cold start...\n');
      results.cold = await scenario('cold', () =>
        measureColdStart(runcell, archive, flag('cold-runs', 5)),
      );
    }
    if (selected('api')) {
      process.stdout.write('API...\n');
      results.api = await scenario('api', () => measureApi(runcell, seconds, rounds));
    }
    if (selected('tasks')) {
      process.stdout.write('task executions...\n');
      results.tasks = await scenario('tasks', () =>
        measureTasks(runcell, flag('task-runs', 5), flag('batch', 300)),
      );
      process.stdout.write('sandbox paths: raw docker run, no pool, pool...\n');
      results.sandboxPaths = await scenario('sandbox-paths', () =>
        measureSandboxPaths(flag('sandbox-runs', 20)),
      );
    }
    results.finishedAt = new Date().toISOString();
    if (profiling) {
      await runcell.writeProfile();
      const profile = existsSync(profileFile) ? readNewestProfile(profileFolder) : undefined;
      if (profile) results.cpuProfile = summarizeProfile(profile, windows, join(__dirname, '..'));
    }
  } finally {
    rmSync(profileFolder, { recursive: true, force: true });
    await runcell.close();
    results.leftoverContainers = await removeBenchContainers(runcell.docker);
    rmSync(folder, { recursive: true, force: true });
  }
  // Written in the repository's Prettier style, so `prettier --check bench` stays green.
  const style = (await resolveConfig(join(RESULTS_DIR, 'latest.md'))) ?? {};
  const json = await format(JSON.stringify(results), { ...style, parser: 'json' });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  const markdown = await format(renderMarkdown(results), { ...style, parser: 'markdown' });
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  process.stdout.write(markdown);
}

async function measureIdleRss(): Promise<number> {
  const idle = await startRuncell();
  try {
    await sleep(3000);
    return Math.round(rssMiB(idle.pid));
  } finally {
    await idle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
