import { sandboxHarness } from './sandbox-harness';

/**
 * The hostile-code suites' shared part: a runner over the real Docker Engine and sandbox images
 * (see sandbox-harness.ts), and the checks every hostile program must pass besides its own —
 * no container left behind after each test, no path inside a sandbox ever followed.
 */
export function hostileSandboxSuite(env: Record<string, string> = {}) {
  const harness = sandboxHarness(env);

  afterEach(async () => {
    expect(await harness.leftovers()).toEqual([]);
  });

  afterAll(() => {
    // Output is only ever read from the attached streams: nothing follows paths in the sandbox.
    for (const forbidden of ['getArchive', 'putArchive', 'exec', 'logs']) {
      expect(harness.engineCalls).not.toContain(forbidden);
    }
  });

  return harness;
}
