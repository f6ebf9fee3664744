import Docker from 'dockerode';
import { DataSource } from 'typeorm';
import { cpus } from 'node:os';
import { machineBusyMs, sleep } from '../lib/processes';
import { RuncellUnderTest, startRuncell } from '../lib/runcell';
import { percentile, round, timed } from '../lib/stats';
import { Api, apiClient } from '../lib/api-client';
import { registerUser } from './api';
import { rawDockerRun } from './tasks';

/** Trivial programs timed on each path; each prints exactly `hello\n`. */
const PROGRAMS = [
  { language: 'python', script: 'print("hello")' },
  { language: 'javascript', script: 'console.log("hello")' },
  { language: 'bash', script: 'echo hello' },
];
const EXPECTED_STDOUT = 'hello\n';
const TERMINAL = ['completed', 'failed', 'timeout', 'cancelled'];
const USERS = 8;
const POLL_MS = 5;
const WAIT_SECONDS = 10;

export type SandboxPath = 'raw' | 'no-pool' | 'pool';
const PATHS: SandboxPath[] = ['raw', 'no-pool', 'pool'];

export interface PathFigures {
  path: SandboxPath;
  clients: number;
  runs: number;
  p50: number;
  p99: number;
  perSecond: number;
  /** 8 clients: share of all cores busy during the step, and busy core-ms per execution. */
  machine?: { busyShare: number; cpuMsPerExecution: number };
}

export interface SandboxPathsResult {
  runsPerPath: number;
  cores: number;
  languages: { language: string; figures: PathFigures[] }[];
  /** `POST …/executions?wait=10` answered 200 with the output, trivial Python. */
  wait: { path: SandboxPath; runs: number; p50: number; p99: number }[];
  integrity: {
    path: SandboxPath;
    posted: number;
    completed: number;
    duplicated: number;
    lost: number;
  }[];
  /** Containers of either Runcell instance still present after both stopped. */
  leftoverContainers: number;
}

interface Instance {
  path: Exclude<SandboxPath, 'raw'>;
  runcell: RuncellUnderTest;
  /** One API client and one task per language per user. */
  users: { api: Api; tasks: Record<string, string> }[];
  /** The tasks' limits, given to the raw `docker run` too. */
  limits: { memoryMb: number; cpus: number };
  posted: string[];
}

/**
 * Scenario 3, sandbox paths: raw hardened `docker run --rm -i`, Runcell without the warm pool
 * (`SANDBOX_POOL_SIZE=0`) and Runcell with its default pool, interleaved run by run, for trivial
 * Python, JavaScript and Bash, at 1 client and at 8 clients (8 users); then `?wait=` latency,
 * a count of lost or duplicated executions, and the containers left behind.
 */
export async function measureSandboxPaths(runs: number): Promise<SandboxPathsResult> {
  const instances: Instance[] = [];
  let result: SandboxPathsResult | undefined;
  try {
    instances.push(await startInstance('no-pool', { SANDBOX_POOL_SIZE: '0' }));
    instances.push(await startInstance('pool', {}));
    // Lets a pool fill before anything is timed.
    await sleep(5000);
    const languages: SandboxPathsResult['languages'] = [];
    for (const program of PROGRAMS) {
      process.stdout.write(`  sandbox paths: ${program.language}...\n`);
      languages.push({
        language: program.language,
        figures: [
          ...(await oneClient(instances, program, runs)),
          ...(await eightClients(instances, program, runs)),
        ],
      });
    }
    const wait = await waitLatency(instances, runs);
    const integrity = [];
    for (const instance of instances) integrity.push(await countRows(instance));
    result = {
      runsPerPath: runs,
      cores: cpus().length,
      languages,
      wait,
      integrity,
      leftoverContainers: 0,
    };
  } finally {
    for (const instance of instances) await instance.runcell.close();
    const left = await removeInstanceContainers(instances.map((one) => one.runcell));
    if (left > 0) process.stdout.write(`  sandbox paths: ${left} containers were left\n`);
    if (result) result.leftoverContainers = left;
  }
  return result!;
}

async function startInstance(path: Instance['path'], env: Record<string, string>) {
  const runcell = await startRuncell(undefined, env);
  const users: Instance['users'] = [];
  let limits = { memoryMb: 256, cpus: 1 };
  for (let index = 0; index < USERS; index += 1) {
    const api = apiClient(runcell.baseUrl, await registerUser(runcell.baseUrl));
    const tasks: Record<string, string> = {};
    for (const program of PROGRAMS) {
      const task = await api('POST', '/api/v1/tasks', {
        name: `bench-${program.language}`,
        script_content: program.script,
        script_type: program.language,
      });
      tasks[program.language] = task.body.id as string;
      limits = { memoryMb: task.body.memory_mb as number, cpus: task.body.cpus as number };
    }
    users.push({ api, tasks });
  }
  return { path, runcell, users, limits, posted: [] } satisfies Instance;
}

/**
 * One execution on one path, timed from the POST to its terminal status: seen by polling, or, with
 * `waitSeconds`, in the answer of `POST …/executions?wait=` (polling only if that answers 202).
 */
async function runOnce(
  path: SandboxPath,
  instances: Instance[],
  program: (typeof PROGRAMS)[number],
  user: number,
  waitSeconds?: number,
): Promise<number> {
  if (path === 'raw') {
    const { limits, runcell } = instances[0];
    return rawDockerRun(
      limits.memoryMb,
      limits.cpus,
      runcell.env,
      program.language,
      program.script,
    );
  }
  const instance = instances.find((one) => one.path === path)!;
  const { api, tasks } = instance.users[user];
  const { ms } = await timed(async () => {
    const query = waitSeconds === undefined ? '' : `?wait=${waitSeconds}`;
    const created = await api(
      'POST',
      `/api/v1/tasks/${tasks[program.language]}/executions${query}`,
      {},
    );
    const id = created.body.id as string;
    instance.posted.push(id);
    for (let answer = created; ; answer = await api('GET', `/api/v1/executions/${id}`)) {
      const { body } = answer;
      if (TERMINAL.includes(body.status as string)) {
        if (body.status !== 'completed' || body.stdout !== EXPECTED_STDOUT)
          throw new Error(`${path} ${program.language}: ${JSON.stringify(body)}`);
        return;
      }
      await sleep(POLL_MS);
    }
  });
  return ms;
}

async function oneClient(
  instances: Instance[],
  program: (typeof PROGRAMS)[number],
  runs: number,
): Promise<PathFigures[]> {
  const samples: Record<SandboxPath, number[]> = { raw: [], 'no-pool': [], pool: [] };
  for (let index = 0; index < runs; index += 1) {
    for (const path of rotated(index))
      samples[path].push(await runOnce(path, instances, program, 0));
  }
  return PATHS.map((path) => {
    const total = samples[path].reduce((sum, ms) => sum + ms, 0);
    return figures(path, 1, samples[path], (samples[path].length * 1000) / total);
  });
}

/**
 * 8 clients, one per user, each running its executions back to back; paths take turns. Runcell's
 * clients wait with `?wait=` instead of polling: 8 clients polling every 5 ms would load the
 * machine with API reads as much as the executions do. The machine's busy CPU time is counted
 * per step, so the report can tell how close the step came to what the cores allow.
 */
async function eightClients(
  instances: Instance[],
  program: (typeof PROGRAMS)[number],
  runs: number,
): Promise<PathFigures[]> {
  const perClient = Math.max(2, Math.ceil(runs / 4));
  const samples: Record<SandboxPath, number[]> = { raw: [], 'no-pool': [], pool: [] };
  const wallMs: Record<SandboxPath, number> = { raw: 0, 'no-pool': 0, pool: 0 };
  const busyMs: Record<SandboxPath, number> = { raw: 0, 'no-pool': 0, pool: 0 };
  for (let round_ = 0; round_ < 2; round_ += 1) {
    for (const path of rotated(round_)) {
      const waitSeconds = path === 'raw' ? undefined : 60;
      const busyBefore = machineBusyMs();
      const { ms } = await timed(() =>
        Promise.all(
          Array.from({ length: USERS }, async (_, user) => {
            for (let index = 0; index < perClient / 2; index += 1)
              samples[path].push(await runOnce(path, instances, program, user, waitSeconds));
          }),
        ),
      );
      busyMs[path] += machineBusyMs() - busyBefore;
      wallMs[path] += ms;
    }
  }
  const cores = cpus().length;
  return PATHS.map((path) => ({
    ...figures(path, USERS, samples[path], (samples[path].length * 1000) / wallMs[path]),
    machine: {
      busyShare: round(busyMs[path] / (wallMs[path] * cores), 2),
      cpuMsPerExecution: round(busyMs[path] / samples[path].length, 1),
    },
  }));
}

async function waitLatency(
  instances: Instance[],
  runs: number,
): Promise<SandboxPathsResult['wait']> {
  const samples: Record<string, number[]> = { 'no-pool': [], pool: [] };
  for (let index = 0; index < runs; index += 1) {
    for (const instance of index % 2 === 0 ? instances : [...instances].reverse()) {
      const { api, tasks } = instance.users[0];
      const { ms, value } = await timed(() =>
        api('POST', `/api/v1/tasks/${tasks.python}/executions?wait=${WAIT_SECONDS}`, {}),
      );
      instance.posted.push(value.body.id as string);
      if (value.status !== 200 || value.body.stdout !== EXPECTED_STDOUT)
        throw new Error(
          `?wait= on ${instance.path}: ${value.status} ${JSON.stringify(value.body)}`,
        );
      samples[instance.path].push(ms);
    }
  }
  return instances.map(({ path }) => ({
    path,
    runs: samples[path].length,
    p50: round(percentile(samples[path], 50), 1),
    p99: round(percentile(samples[path], 99), 1),
  }));
}

/** Every execution posted must exist exactly once and be completed. */
async function countRows(instance: Instance): Promise<SandboxPathsResult['integrity'][number]> {
  const database = new DataSource({ type: 'postgres', url: instance.runcell.env.DATABASE_URL });
  await database.initialize();
  try {
    const rows = await database.query<{ id: string; status: string }[]>(
      `SELECT e.id, e.status FROM executions e JOIN tasks t ON t.id = e.task_id WHERE t.id = ANY($1)`,
      [instance.users.flatMap((user) => Object.values(user.tasks))],
    );
    const postedOnce = new Set(instance.posted);
    const completed = new Set(
      rows.filter((row) => row.status === 'completed').map((row) => row.id),
    );
    return {
      path: instance.path,
      posted: instance.posted.length,
      completed: [...postedOnce].filter((id) => completed.has(id)).length,
      duplicated:
        instance.posted.length - postedOnce.size + Math.max(0, rows.length - postedOnce.size),
      lost: [...postedOnce].filter((id) => !completed.has(id)).length,
    };
  } finally {
    await database.destroy();
  }
}

async function removeInstanceContainers(instances: RuncellUnderTest[]): Promise<number> {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  let left = 0;
  for (const instance of instances) {
    const found = await docker.listContainers({
      all: true,
      filters: { label: [`runcell.instance=${instance.executorHostname}`] },
    });
    left += found.length;
    for (const container of found)
      await docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
  return left;
}

function rotated(index: number): SandboxPath[] {
  const shift = index % PATHS.length;
  return [...PATHS.slice(shift), ...PATHS.slice(0, shift)];
}

function figures(path: SandboxPath, clients: number, samples: number[], perSecond: number) {
  return {
    path,
    clients,
    runs: samples.length,
    p50: round(percentile(samples, 50), 1),
    p99: round(percentile(samples, 99), 1),
    perSecond: round(perSecond, 2),
  };
}
