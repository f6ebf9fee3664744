import { join } from 'node:path';
import { LoadResult, runLoad } from '../lib/load';
import { freePort, ROOT, sampleRss, spawnNode, stopProcess, waitForHttp } from '../lib/processes';
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
  runcell: ApiStep[];
  bare: ApiStep[];
  /** Highest throughput among the steps whose p99 stayed within the budget. */
  runcellRps: number;
  bareRps: number;
  rssUnderLoad: { peakMiB: number; medianMiB: number };
}

/**
 * `GET /api/v1/tasks` (JWT, a page of 20 tasks from Postgres) vs. a hand-written bare Fastify
 * server doing the same work (`bench/bare-fastify.ts`).
 */
export async function measureApi(
  runcell: RuncellUnderTest,
  durationSeconds: number,
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

  const stopRss = sampleRss(runcell.pid);
  const runcellSteps = await steps(
    { url: `${runcell.baseUrl}/api/v1/tasks`, headers: { authorization: `Bearer ${token}` } },
    durationSeconds,
    runcell.pid,
  );
  const rssUnderLoad = stopRss();

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
  let bareSteps: ApiStep[];
  try {
    await waitForHttp(`http://127.0.0.1:${port}/ready`, bare);
    const bareTarget = {
      url: `http://127.0.0.1:${port}/api/v1/tasks`,
      headers: { authorization: `Bearer ${token}` },
    };
    await expectSameAnswer(`${runcell.baseUrl}/api/v1/tasks`, bareTarget.url, token);
    bareSteps = await steps(bareTarget, durationSeconds, bare.pid);
  } finally {
    await stopProcess(bare);
  }
  return {
    p99BudgetMs: P99_BUDGET_MS,
    runcell: runcellSteps,
    bare: bareSteps,
    runcellRps: bestWithinBudget(runcellSteps),
    bareRps: bestWithinBudget(bareSteps),
    rssUnderLoad,
  };
}

async function steps(
  target: { url: string; headers?: Record<string, string> },
  durationSeconds: number,
  serverPid?: number,
): Promise<ApiStep[]> {
  await runLoad({ ...target, connections: 4, durationSeconds: 2 });
  const found: ApiStep[] = [];
  let overBudget = 0;
  for (const connections of CONNECTION_STEPS) {
    const result = await runLoad({ ...target, connections, durationSeconds, serverPid });
    found.push({ connections, result });
    // Two steps in a row over the budget: more connections only queue (one may be noise).
    overBudget = result.p99 > P99_BUDGET_MS ? overBudget + 1 : 0;
    if (overBudget === 2) break;
  }
  return found;
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
