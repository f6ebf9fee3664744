import { mkdtempSync, rmSync } from 'node:fs';
import {
  executorCall,
  ExecutorHarness,
  ExecutorResponse,
  multipartBody,
  parseMultipartAnswer,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';
import { fixtureArchive } from '../support/upstream-fixtures';

const V5 = 'runcell/node:v5';
const MIB = 1024 * 1024;
const NPM_BUILD = 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm i"';

/** What a test reads from an execution, whatever the answer's format. */
interface Execution {
  status: number;
  contentType: string;
  statusCode: number;
  body: Buffer;
  logs: string;
  errors: string;
  duration: number;
  message: string;
}

interface Scenario {
  name: string;
  folder: string;
  image?: string;
  version?: string;
  startCommand?: string;
  buildCommand?: string;
  body?: string | Buffer;
  logging?: boolean;
  mimeType?: string;
  cpus?: number;
  memory?: number;
  assert(execution: Execution): void;
  assertBuild?(output: string): void;
}

const expectQuiet = (execution: Execution) => {
  expect(execution.logs).toBe('');
  expect(execution.errors).toBe('');
};

const expectBytes = (execution: Execution) => {
  expect(execution.status).toBe(200);
  expect(execution.statusCode).toBe(200);
  expect([...execution.body]).toEqual([0, 10, 255]);
  expectQuiet(execution);
};

const nodeLogs = (megabytes: string, logging = true) => ({
  folder: 'node-logs',
  body: megabytes,
  logging,
});

/** testScenarios of open-runtimes/executor 0.27 (tests/e2e/ExecutorTest.php), in its order. */
const SCENARIOS: Scenario[] = [
  {
    name: 'node-v2',
    folder: 'node-v2',
    image: 'runcell/node:v2',
    version: 'v2',
    startCommand: '',
    buildCommand: 'tar -zxf /tmp/code.tar.gz -C /usr/code && cd /usr/local/src/ && ./build.sh',
    assert: (execution) => {
      expect(execution.status).toBe(200);
      expect(execution.statusCode).toBe(200);
      expect(execution.body.toString()).toBe('{"message":"Hello Open Runtimes 👋"}');
      expectQuiet(execution);
    },
  },
  {
    name: 'node-empty-object',
    folder: 'node-empty-object',
    assert: (execution) => {
      expect(execution.statusCode).toBe(200);
      expect(execution.body.toString()).toBe('{}');
      expectQuiet(execution);
    },
  },
  {
    name: 'node-empty-array',
    folder: 'node-empty-array',
    assert: (execution) => {
      expect(execution.statusCode).toBe(200);
      expect(execution.body.toString()).toBe('[]');
      expectQuiet(execution);
    },
  },
  {
    name: 'node-timeout',
    folder: 'node-timeout',
    assert: (execution) => {
      expect(execution.status).toBe(200);
      expect(execution.statusCode).toBe(500);
      expect(execution.errors).toContain('Execution timed out.');
      expect(execution.logs).toBe('');
    },
  },
  {
    name: 'node-logs 1 MiB',
    ...nodeLogs('1'),
    assert: (execution) => {
      expect(execution.body.toString()).toBe('OK');
      expect(Buffer.byteLength(execution.logs)).toBe(MIB);
      expect(execution.errors).toBe('');
    },
  },
  {
    name: 'node-logs 5 MiB',
    ...nodeLogs('5'),
    assert: (execution) => {
      expect(execution.body.toString()).toBe('OK');
      expect(Buffer.byteLength(execution.logs)).toBe(5 * MIB);
      expect(execution.errors).toBe('');
    },
  },
  {
    name: 'node-logs 15 MiB (truncated)',
    ...nodeLogs('15'),
    assert: (execution) => {
      expect(execution.body.toString()).toBe('OK');
      expect(Buffer.byteLength(execution.logs)).toBeGreaterThan(5 * MIB);
      expect(Buffer.byteLength(execution.logs)).toBeLessThan(6 * MIB);
      expect(execution.logs).toContain('truncated');
      expect(execution.errors).toBe('');
    },
  },
  {
    name: 'node-logs with logging off',
    ...nodeLogs('1', false),
    assert: (execution) => {
      expect(execution.body.toString()).toBe('OK');
      expectQuiet(execution);
    },
  },
  {
    name: 'node-long-coldstart',
    folder: 'node-long-coldstart',
    assert: (execution) => {
      expect(execution.statusCode).toBe(200);
      expect(execution.body.toString()).toBe('OK');
      expect(execution.duration).toBeGreaterThan(10);
      expectQuiet(execution);
    },
  },
  {
    name: 'node-binary-response as multipart',
    folder: 'node-binary-response',
    mimeType: 'multipart/form-data',
    assert: expectBytes,
  },
  {
    name: 'node-binary-response as JSON',
    folder: 'node-binary-response',
    assert: (execution) => {
      expect(execution.status).toBe(400);
      expect(execution.message).toContain('JSON response does not allow binaries');
    },
  },
  {
    name: 'node-binary-request as multipart',
    folder: 'node-binary-request',
    body: Buffer.from([0, 10, 255]),
    mimeType: 'multipart/form-data',
    assert: expectBytes,
  },
  {
    name: 'node-specs',
    folder: 'node-specs',
    buildCommand:
      'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "npm i && npm run build"',
    cpus: 2.5,
    memory: 1024,
    assert: (execution) => {
      expect(execution.statusCode).toBe(200);
      const specs = JSON.parse(execution.body.toString()) as { cpus: string; memory: string };
      expect(specs).toEqual({ cpus: '2.5', memory: '1024' });
      expectQuiet(execution);
    },
    assertBuild: (output) => {
      expect(output).toContain('cpus=2.5');
      expect(output).toContain('memory=1024');
    },
  },
];

describe('upstream executor e2e: testScenarios', () => {
  let sut: ExecutorHarness;
  let storageDir: string;
  const archives = new Map<string, string>();

  beforeAll(async () => {
    storageDir = mkdtempSync('/tmp/runcell-upstream-scenarios-');
    sut = await startExecutorHarness();
  });

  afterAll(async () => {
    await sut.close();
    for (const archive of archives.values()) removeArchive(archive);
    rmSync(storageDir, { recursive: true, force: true });
  });

  function archiveOf(folder: string): string {
    const existing = archives.get(folder);
    if (existing) return existing;
    const archive = fixtureArchive(folder);
    archives.set(folder, archive);
    return archive;
  }

  async function execute(runtimeId: string, params: Record<string, unknown>, mimeType: string) {
    const path = `/v1/runtimes/${runtimeId}/executions`;
    const headers = { accept: mimeType, 'x-executor-response-format': '0.11.0' };
    if (mimeType !== 'multipart/form-data') {
      return executorCall(sut.baseUrl, 'POST', path, { json: params, headers });
    }
    const fields: Record<string, string | Buffer> = {};
    for (const [key, value] of Object.entries(params)) {
      fields[key] = Buffer.isBuffer(value) ? value : `${value === true ? '1' : String(value)}`;
    }
    const form = multipartBody(fields);
    return executorCall(sut.baseUrl, 'POST', path, {
      body: form.body,
      headers: { ...headers, 'content-type': form.contentType },
    });
  }

  function readExecution(response: ExecutorResponse): Execution {
    const contentType = response.headers.get('content-type') ?? '';
    const base = { status: response.status, contentType };
    if (response.status !== 200) {
      return {
        ...base,
        ...emptyExecution(),
        message: response.json<{ message: string }>().message,
      };
    }
    if (contentType.startsWith('multipart/form-data')) {
      const fields = parseMultipartAnswer(contentType, response.body);
      return {
        ...base,
        statusCode: Number(fields.statusCode.toString()),
        body: fields.body,
        logs: fields.logs.toString(),
        errors: fields.errors.toString(),
        duration: Number(fields.duration.toString()),
        message: '',
      };
    }
    const answer = response.json<{
      statusCode: number;
      body: string;
      logs: string;
      errors: string;
      duration: number;
    }>();
    return { ...base, ...answer, body: Buffer.from(answer.body), message: '' };
  }

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const image = scenario.image ?? V5;
      const version = scenario.version ?? 'v5';
      const cpus = scenario.cpus ?? 1;
      const memory = scenario.memory ?? 512;
      const mimeType = scenario.mimeType ?? 'application/json';
      const suffix = `${scenario.folder}-${Date.now().toString(36)}`;

      const built = await executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
        json: {
          runtimeId: `scenario-build-${suffix}`,
          source: archiveOf(scenario.folder),
          destination: `${storageDir}/builds`,
          version,
          entrypoint: 'index.js',
          image,
          workdir: '/usr/code',
          remove: true,
          command: scenario.buildCommand ?? NPM_BUILD,
          cpus,
          memory,
        },
      });
      expect(built.status).toBe(201);
      const build = built.json<{ path: string; output: { content: string }[] }>();
      scenario.assertBuild?.(build.output.map((line) => line.content).join(''));

      const params: Record<string, unknown> = {
        source: build.path,
        entrypoint: 'index.js',
        image,
        version,
        runtimeEntrypoint: scenario.startCommand ?? V5_START,
        timeout: 45,
        logging: scenario.logging ?? true,
        cpus,
        memory,
      };
      if (scenario.body !== undefined) params.body = scenario.body;
      const runtimeId = `scenario-execute-${suffix}`;

      const execution = readExecution(await execute(runtimeId, params, mimeType));

      expect(execution.contentType).toContain(mimeType);
      scenario.assert(execution);
      const deleted = await executorCall(sut.baseUrl, 'DELETE', `/v1/runtimes/${runtimeId}`);
      expect(deleted.status).toBe(200);
    },
    120_000,
  );
});

function emptyExecution(): Omit<Execution, 'status' | 'contentType' | 'message'> {
  return { statusCode: 0, body: Buffer.alloc(0), logs: '', errors: '', duration: 0 };
}
