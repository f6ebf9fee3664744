import { sandboxHarness } from './sandbox-harness';

/**
 * The hostile-code suites' shared part: a runner over the real Docker Engine and sandbox images
 * (see sandbox-harness.ts), and the checks every hostile program must pass besides its own — no
 * container left behind after each test, no path inside a sandbox ever followed. With a pool in
 * `env` every case finds its language warm, and every case must have run in a warm sandbox.
 */
export function hostileSandboxSuite(env: Record<string, string> = {}) {
  const harness = sandboxHarness({ ...env });
  let cases = 0;

  beforeEach(async () => {
    if (harness.pool)
      await Promise.all(['python', 'javascript', 'bash'].map((language) => harness.warm(language)));
  });

  afterEach(async () => {
    cases += 1;
    expect(await harness.leftovers()).toEqual([]);
  });

  afterAll(async () => {
    if (harness.pool) {
      const hits = await harness.metrics.sandboxPoolHits.get();
      expect(hits.values.reduce((total, value) => total + value.value, 0)).toBeGreaterThanOrEqual(
        cases,
      );
    }
    await harness.close();
    // Output is only ever read from the attached streams: nothing follows paths in the sandbox.
    for (const forbidden of ['getArchive', 'putArchive', 'exec', 'logs']) {
      expect(harness.engineCalls).not.toContain(forbidden);
    }
  });

  return harness;
}
