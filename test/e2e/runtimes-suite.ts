import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
} from '../support/executor-harness';

export const RUNTIMES_IMAGE = 'runcell/node:v5';

/**
 * The shared part of the `/v1` runtimes suites: an executor and a function archive for the
 * suite's tests (no container or network left afterwards), a caller, and the check of an error
 * answer in the executor's envelope.
 */
export function runtimesSuite() {
  const state = {} as { sut: ExecutorHarness; archive: string };

  beforeAll(async () => {
    state.sut = await startExecutorHarness();
    state.archive = functionArchive({
      'index.js': 'module.exports = async (c) => c.res.send("ok");',
    });
  });

  afterAll(async () => {
    await state.sut.close();
    removeArchive(state.archive);
    expect(await state.sut.networkExists()).toBe(false);
    expect(await state.sut.containers()).toEqual([]);
  });

  const call = (method: string, path: string, options?: Parameters<typeof executorCall>[3]) =>
    executorCall(state.sut.baseUrl, method, path, options);

  function expectError(
    response: Awaited<ReturnType<typeof call>>,
    status: number,
    type: string,
    message: string,
  ) {
    expect({ status: response.status, body: response.json() }).toEqual({
      status,
      body: { type, message, code: status, version: state.sut.config.executor.version },
    });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('server')).toBe('Executor');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(response.headers.get('expires')).toBe('0');
    expect(response.headers.get('pragma')).toBe('no-cache');
  }

  return { state, call, expectError };
}
