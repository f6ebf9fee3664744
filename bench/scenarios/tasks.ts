import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ROOT, RssSummary, sampleRss, sleep } from '../lib/processes';
import { BENCH_LABEL, RuncellUnderTest } from '../lib/runcell';
import { median, PairedSamples, pairedSamples, timed } from '../lib/stats';
import { Api, apiClient } from '../lib/api-client';
import { registerUser } from './api';

const SCRIPT = 'print("hello")';
const EXPECTED_STDOUT = 'hello\n';
const TERMINAL = ['completed', 'failed', 'timeout', 'cancelled'];
const MIB = 1024 * 1024;
/** Hello worlds timed POST → finished, the compiled ones including their compile stage. */
const HELLO_WORLDS = [
  { language: 'python', script: SCRIPT },
  {
    language: 'go',
    script: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n',
  },
  { language: 'c', script: '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' },
];

export interface LanguageLatency {
  language: string;
  runs: number;
  medianMs: number;
  maxMs: number;
  /** Median of the compile stage alone (compiled languages). */
  compileMedianMs: number | null;
}
const BATCH_DEADLINE_MS = 10 * 60_000;

export interface TasksResult extends PairedSamples {
  batch: {
    size: number;
    seconds: number;
    perSecond: number;
    completed: number;
    otherTerminal: number;
    lost: number;
    rssUnderLoad: RssSummary;
  };
  languages: LanguageLatency[];
}

/**
 * Latency: `POST /api/v1/tasks/:id/executions` to a terminal status seen by polling every 10 ms,
 * vs. `docker run --rm -i` of the same sandbox image, program and flags. Throughput: a batch
 * queued at once, counted in Postgres until every row is terminal.
 */
export async function measureTasks(
  runcell: RuncellUnderTest,
  runs: number,
  batchSize: number,
): Promise<TasksResult> {
  const token = await registerUser(runcell.baseUrl);
  const api = apiClient(runcell.baseUrl, token);
  const task = (
    await api('POST', '/api/v1/tasks', {
      name: 'bench',
      script_content: SCRIPT,
      script_type: 'python',
    })
  ).body as unknown as { id: string; memory_mb: number; cpus: number };

  const runcellMs: number[] = [];
  const rawMs: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const { ms } = await timed(() => executeToCompletion(api, task.id));
    runcellMs.push(ms);
    rawMs.push(await rawDockerRun(task.memory_mb, task.cpus, runcell.env));
  }

  const languages: LanguageLatency[] = [];
  for (const hello of HELLO_WORLDS) {
    const languageTask = (
      await api('POST', '/api/v1/tasks', {
        name: `bench-${hello.language}`,
        script_content: hello.script,
        script_type: hello.language,
      })
    ).body as { id: string };
    const totalMs: number[] = [];
    const compileMs: number[] = [];
    for (let index = 0; index < runs; index += 1) {
      const { ms, value } = await timed(() => executeToCompletion(api, languageTask.id));
      totalMs.push(ms);
      if (value.compile_duration_ms !== null) compileMs.push(value.compile_duration_ms);
    }
    languages.push({
      language: hello.language,
      runs,
      medianMs: median(totalMs),
      maxMs: Math.max(...totalMs),
      compileMedianMs: compileMs.length > 0 ? median(compileMs) : null,
    });
  }

  const batch = await runBatch(runcell, api, task.id, batchSize);
  return {
    ...pairedSamples(runcellMs, rawMs),
    batch,
    languages,
  };
}

interface FinishedExecution {
  status: string;
  stdout: string;
  compile_duration_ms: number | null;
}

/** POST an execution, poll it every 10 ms to a terminal status; it must print "hello". */
async function executeToCompletion(api: Api, taskId: string): Promise<FinishedExecution> {
  const created = (await api('POST', `/api/v1/tasks/${taskId}/executions`, {})).body as {
    id: string;
  };
  for (;;) {
    const execution = (await api('GET', `/api/v1/executions/${created.id}`))
      .body as unknown as FinishedExecution;
    if (TERMINAL.includes(execution.status)) {
      if (execution.status !== 'completed' || execution.stdout !== EXPECTED_STDOUT) {
        throw new Error(`execution ended ${execution.status}: ${JSON.stringify(execution)}`);
      }
      return execution;
    }
    await sleep(10);
  }
}

/** The sandbox's flags from `buildSandboxContainerSpec`, through the docker CLI. */
export async function rawDockerRun(
  memoryMb: number,
  cpus: number,
  env: Record<string, string>,
  language = 'python',
  script = SCRIPT,
): Promise<number> {
  const memory = `${memoryMb * MIB}`;
  const args = [
    'run',
    '--rm',
    '-i',
    '--label',
    `${BENCH_LABEL}=task`,
    '--hostname',
    'sandbox',
    '--user',
    '10001:10001',
    '--workdir',
    '/sandbox',
    '--network',
    'none',
    '--read-only',
    '--tmpfs',
    `/tmp:rw,noexec,nosuid,nodev,size=${64 * MIB},mode=1777`,
    '--tmpfs',
    `/sandbox:rw,noexec,nosuid,nodev,size=${16 * MIB},mode=1777`,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--security-opt',
    `seccomp=${join(ROOT, 'docker/seccomp/sandbox.json')}`,
    '--pids-limit',
    env.SANDBOX_PIDS_LIMIT ?? '64',
    '--memory',
    memory,
    '--memory-swap',
    memory,
    '--cpus',
    String(cpus),
    '--ulimit',
    'nofile=256:256',
    '--ulimit',
    `fsize=${64 * MIB}:${64 * MIB}`,
    '--ulimit',
    'core=0:0',
    '--log-driver',
    'none',
    `runcell/sandbox-${language}:1`,
    'run-task',
    '-',
  ];
  const program = Buffer.from(script, 'utf8');
  const framed = Buffer.concat([Buffer.from(`${program.length}\n`), program]);
  const { ms, value } = await timed(
    () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(framed);
      }),
  );
  if (value.code !== 0 || value.stdout !== EXPECTED_STDOUT) {
    throw new Error(`raw docker run: exit ${value.code} ${value.stdout} ${value.stderr}`);
  }
  return ms;
}

async function runBatch(runcell: RuncellUnderTest, api: Api, taskId: string, size: number) {
  const database = new DataSource({ type: 'postgres', url: runcell.env.DATABASE_URL });
  await database.initialize();
  const stopRss = sampleRss(runcell.pid);
  let rssUnderLoad = { peakMiB: 0, medianMiB: 0 };
  try {
    const start = Date.now();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < size) {
          next += 1;
          const created = (await api('POST', `/api/v1/tasks/${taskId}/executions`, {})).body as {
            id: string;
          };
          ids.push(created.id);
        }
      }),
    );
    let counts: Record<string, number> = {};
    while (Date.now() - start < BATCH_DEADLINE_MS) {
      const rows = await database.query<{ status: string; n: number }[]>(
        'SELECT status, count(*)::int AS n FROM executions WHERE id = ANY($1) GROUP BY status',
        [ids],
      );
      counts = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      const terminal = TERMINAL.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
      if (terminal === ids.length) break;
      await sleep(250);
    }
    const seconds = (Date.now() - start) / 1000;
    const completed = counts.completed ?? 0;
    const terminal = TERMINAL.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
    return {
      size,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round((completed / seconds) * 100) / 100,
      completed,
      otherTerminal: terminal - completed,
      lost: size - terminal,
      rssUnderLoad: (rssUnderLoad = stopRss()),
    };
  } finally {
    if (rssUnderLoad.peakMiB === 0) stopRss();
    await database.destroy();
  }
}
