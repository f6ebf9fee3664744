import { join } from 'node:path';
import { LoadResult, LoadRounds, loadRounds, runInterleaved, runLoad } from '../lib/load';
import {
  freePort,
  ROOT,
  RssSampler,
  RssSummary,
  spawnNode,
  stopProcess,
  waitForHttp,
} from '../lib/processes';
import { RuncellUnderTest } from '../lib/runcell';

const P99_BUDGET_MS = 20;
const CONNECTION_STEPS = [1, 2, 4, 8, 16, 32];
const TASKS_PER_USER = 20;

export interface ApiStep {
  connections: number;
  result: LoadResult;
}

export interface ApiResult {
  p99BudgetMs: number;
  /** The rounds each step was cut into, alternating between the two servers. */
  rounds: LoadRounds;
  runcell: ApiStep[];
  bare: ApiStep[];
  /** Highest throughput among the steps whose p99 stayed within the budget. */
  runcellRps: number;
  bareRps: number;
  rssUnderLoad: RssSummary;
}

/**
 * `GET /api/v1/tasks` (JWT, a page of 20 tasks from Postgres) vs. a hand-written bare Fastify
 * server doing the same work (`bench/bare-fastify.ts`), both running side by side and loaded in
 * alternating rounds.
 */
export async function measureApi(
  runcell: RuncellUnderTest,
  durationSeconds: number,
  rounds: number,
): Promise<ApiResult> {
  const token = await registerUser(runcell.baseUrl);
  for (let index = 0; index < TASKS_PER_USER; index += 1) {
    const created = await fetch(`${runcell.baseUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `bench task ${index}`,
        script_content: 'print("hello")',
        script_type: 'python',
      }),
    });
    if (created.status !== 201) throw new Error(`task create: ${created.status}`);
  }

  const port = await freePort();
  const bare = spawnNode(
    ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench/bare-fastify.ts')],
    {
      BARE_PORT: String(port),
      NODE_ENV: 'production',
      JWT_SECRET: runcell.env.JWT_SECRET,
      QUEUE_PREFIX: runcell.env.QUEUE_PREFIX,
      REDIS_URL: runcell.env.REDIS_URL,
      DATABASE_URL: runcell.env.DATABASE_URL,
    },
  );
  const stepRounds = loadRounds(durationSeconds, rounds);
  const rss = new RssSampler(runcell.pid);
  const servers: Server[] = [
    {
      target: {
        url: `${runcell.baseUrl}/api/v1/tasks`,
        headers: { authorization: `Bearer ${token}` },
      },
      pid: runcell.pid,
      rss,
      steps: [],
      overBudget: 0,
    },
    {
      target: {
        url: `http://127.0.0.1:${port}/api/v1/tasks`,
        headers: { authorization: `Bearer ${token}` },
      },
      pid: bare.pid,
      steps: [],
      overBudget: 0,
    },
  ];
  try {
    await waitForHttp(`http://127.0.0.1:${port}/ready`, bare);
    await expectSameAnswer(servers[0].target.url, servers[1].target.url, token);
    await interleavedSteps(servers, stepRounds);
  } finally {
    await stopProcess(bare);
  }
  const [runcellServer, bareServer] = servers;
  return {
    p99BudgetMs: P99_BUDGET_MS,
    rounds: stepRounds,
    runcell: runcellServer.steps,
    bare: bareServer.steps,
    runcellRps: bestWithinBudget(runcellServer.steps),
    bareRps: bestWithinBudget(bareServer.steps),
    rssUnderLoad: rss.summary(),
  };
}

interface Server {
  target: { url: string; headers: Record<string, string> };
  pid?: number;
  /** Samples the server's memory while it is under load (Runcell's only). */
  rss?: RssSampler;
  steps: ApiStep[];
  overBudget: number;
}

/**
 * Both servers step through the connection counts together, each step in rounds that
 * alternate between them; a server leaves after two steps in a row over the budget (more
 * connections only queue; one may be noise).
 */
async function interleavedSteps(servers: Server[], rounds: LoadRounds): Promise<void> {
  for (const server of servers) {
    await runLoad({ ...server.target, connections: 4, durationSeconds: 2 });
  }
  for (const connections of CONNECTION_STEPS) {
    const active = servers.filter((server) => server.overBudget < 2);
    if (active.length === 0) return;
    const results = await runInterleaved(
      active.map((server) => ({ ...server.target, connections, serverPid: server.pid })),
      rounds,
      (index, run) => active[index].rss?.during(run) ?? run(),
    );
    active.forEach((server, index) => {
      const result = results[index];
      server.steps.push({ connections, result });
      server.overBudget = result.p99 > P99_BUDGET_MS ? server.overBudget + 1 : 0;
    });
  }
}

/** The baseline must answer what Runcell answers, or the comparison means nothing. */
async function expectSameAnswer(runcellUrl: string, bareUrl: string, token: string) {
  const read = async (url: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return JSON.stringify(await response.json());
  };
  const [fromRuncell, fromBare] = [await read(runcellUrl), await read(bareUrl)];
  if (fromRuncell !== fromBare) {
    throw new Error(`the baseline answers differently:\n${fromRuncell}\n${fromBare}`);
  }
}

function bestWithinBudget(found: ApiStep[]): number {
  const within = found.filter(
    (step) =>
      step.result.p99 <= P99_BUDGET_MS && step.result.non2xx === 0 && step.result.errors === 0,
  );
  return Math.max(0, ...within.map((step) => step.result.rps));
}

export async function registerUser(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench',
    }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
