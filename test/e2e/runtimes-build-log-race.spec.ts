import { mkdtempSync, rmSync } from 'node:fs';
import {
  EXECUTOR_SECRET,
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  sleep,
  startExecutorHarness,
} from '../support/executor-harness';

const IMAGE = 'runcell/node:v5';
const RUNS = 8;

interface Capture {
  status: number;
  text: string;
  endedAt: number;
}

/** The log stream of fast builds: it follows the build, whether it fails or succeeds. */
describe('build log stream of fast builds (e2e)', () => {
  let sut: ExecutorHarness;
  let archive: string;
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = mkdtempSync('/tmp/runcell-race-cache-');
    sut = await startExecutorHarness({
      URT_CONNECTION_BUILD_CACHE_STORAGE: `local://localhost${cacheDir}`,
    });
    archive = functionArchive({ 'index.js': 'module.exports = async ({ res }) => res.text("");' });
  });

  afterAll(async () => {
    await sut.close();
    removeArchive(archive);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  async function captureLogs(runtimeId: string): Promise<Capture> {
    const response = await fetch(`${sut.baseUrl}/v1/runtimes/${runtimeId}/logs?timeout=12`, {
      headers: { authorization: `Bearer ${EXECUTOR_SECRET}`, accept: 'text/event-stream' },
    });
    const text = await response.text();
    return { status: response.status, text, endedAt: Date.now() };
  }

  function create(runtimeId: string, command: string) {
    return executorCall(sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId,
        image: IMAGE,
        source: archive,
        entrypoint: 'index.js',
        remove: true,
        cacheKey: 'race-cache',
        command,
      },
    }).then((response) => ({ response, at: Date.now() }));
  }

  async function race(runtimeId: string, command: string, streamDelayMs: number) {
    const logs = captureLogs(runtimeId);
    if (streamDelayMs > 0) await sleep(streamDelayMs);
    const created = await create(runtimeId, command);
    return { logs: await logs, created };
  }

  it.each([
    ['before', 0],
    ['just before', 150],
  ])(
    'a stream opened %s a build that fails at once gets its lines and ends with it',
    async (_when, delayMs) => {
      for (let run = 0; run < RUNS; run++) {
        const { logs, created } = await race(
          `fail-${delayMs}-${run}`,
          'echo before-cache-failure && exit 1',
          delayMs,
        );

        expect(created.response.status).toBe(400);
        expect(created.response.json<{ message: string }>().message).toContain(
          'before-cache-failure',
        );
        expect(logs.status).toBe(200);
        expect(logs.text).toContain('before-cache-failure');
        expect(logs.endedAt - created.at).toBeLessThan(1000);
      }
      expect(await sut.containers()).toEqual([]);
    },
    120_000,
  );

  it('a stream opened during a fast successful build gets its lines and ends with it', async () => {
    for (let run = 0; run < RUNS; run++) {
      const runtimeId = `ok-${run}`;
      const creating = create(runtimeId, 'echo fast-success');
      await sleep(100);
      const logs = await captureLogs(runtimeId);
      const created = await creating;

      expect(created.response.status).toBe(201);
      expect(logs.status).toBe(200);
      expect(logs.text).toContain('fast-success');
      expect(logs.endedAt - created.at).toBeLessThan(1000);
    }
    expect(await sut.containers()).toEqual([]);
  }, 120_000);
});
