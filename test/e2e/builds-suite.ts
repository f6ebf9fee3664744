import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
} from '../support/executor-harness';

export const BUILDS_IMAGE = 'runcell/node:v5';
export const BUILD_COMMAND =
  'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "true"';

/**
 * The shared part of the `/v1` build suites: an executor with a local build cache, a storage
 * folder and the fixture function's archive (all removed afterwards, no container left), a
 * caller, and `build`, which creates a runtime that builds the archive and is removed after.
 */
export function buildsSuite() {
  const state = {} as {
    sut: ExecutorHarness;
    archive: string;
    storageDir: string;
    cacheDir: string;
  };

  beforeAll(async () => {
    state.storageDir = mkdtempSync('/tmp/runcell-builds-');
    state.cacheDir = mkdtempSync('/tmp/runcell-build-cache-');
    state.sut = await startExecutorHarness({
      URT_CONNECTION_BUILD_CACHE_STORAGE: `local://localhost${state.cacheDir}`,
    });
    state.archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
  });

  afterAll(async () => {
    await state.sut.close();
    removeArchive(state.archive);
    rmSync(state.storageDir, { recursive: true, force: true });
    rmSync(state.cacheDir, { recursive: true, force: true });
    expect(await state.sut.containers()).toEqual([]);
  });

  const call = (method: string, path: string, json?: unknown) =>
    executorCall(state.sut.baseUrl, method, path, json === undefined ? {} : { json });

  const build = (runtimeId: string, params: Record<string, unknown>) =>
    call('POST', '/v1/runtimes', {
      runtimeId,
      image: BUILDS_IMAGE,
      source: state.archive,
      entrypoint: 'index.js',
      command: BUILD_COMMAND,
      remove: true,
      ...params,
    });

  return { state, call, build };
}
