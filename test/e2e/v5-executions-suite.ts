import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';

export const V5_IMAGE = 'runcell/node:v5';

export interface ExecuteOptions {
  accept?: string;
  format?: string;
  route?: string;
}

/**
 * The shared part of the `/v1` v5 execution suites: an executor with one runtime `warm` of the
 * fixture function (created before the suite's tests, gone with its network afterwards) and a
 * caller of its execution route.
 */
export function v5ExecutionsSuite() {
  const state = {} as { sut: ExecutorHarness; archive: string };

  beforeAll(async () => {
    state.sut = await startExecutorHarness();
    state.archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
    const created = await executorCall(state.sut.baseUrl, 'POST', '/v1/runtimes', {
      json: {
        runtimeId: 'warm',
        image: V5_IMAGE,
        source: state.archive,
        entrypoint: 'index.js',
        runtimeEntrypoint: V5_START,
        variables: { CUSTOM: 'from-create' },
      },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await state.sut.close();
    removeArchive(state.archive);
    expect(await state.sut.containers()).toEqual([]);
    expect(await state.sut.networkExists()).toBe(false);
  });

  async function execute(
    runtimeId: string,
    params: Record<string, unknown>,
    options: ExecuteOptions = {},
  ) {
    return executorCall(
      state.sut.baseUrl,
      'POST',
      `/v1/runtimes/${runtimeId}/${options.route ?? 'executions'}`,
      {
        json: params,
        headers: {
          accept: options.accept ?? 'application/json',
          ...(options.format === undefined
            ? { 'x-executor-response-format': '0.11.0' }
            : options.format === ''
              ? {}
              : { 'x-executor-response-format': options.format }),
        },
      },
    );
  }

  return { state, execute };
}
