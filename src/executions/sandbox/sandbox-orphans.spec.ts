import { LABEL_POOL } from './pooled-sandbox';
import { FOREIGN_POOL_GRACE_MS, orphanedSandboxes, toSandboxContainer } from './sandbox-orphans';

const NOW = 10_000_000;
const MIN_AGE = 60_000;
const IDLE = 300_000;

function container(name: string, ageMs: number, labels: Record<string, string> = {}) {
  return toSandboxContainer({
    id: `id-${name}`,
    name,
    image: 'runcell/sandbox-python:1',
    state: 'running',
    labels,
    createdAt: new Date(NOW - ageMs),
  });
}

function sweep(
  sandboxes: ReturnType<typeof container>[],
  options: {
    known?: string[];
    owned?: string[];
    now?: number;
    suspects?: Map<string, number>;
  } = {},
) {
  return orphanedSandboxes(sandboxes, {
    known: new Set(options.known ?? []),
    now: options.now ?? NOW,
    minAgeMs: MIN_AGE,
    ownPool: { poolId: 'mine', owns: (id) => (options.owned ?? []).includes(id) },
    poolIdleMs: IDLE,
    suspects: options.suspects ?? new Map(),
  }).map((sandbox) => sandbox.name);
}

describe('orphaned sandboxes', () => {
  it('reads the execution of a claimed warm container from its name', () => {
    expect(container('runcell-sandbox-e1', 0, { [LABEL_POOL]: 'p' })).toMatchObject({
      executionId: 'e1',
      poolId: 'p',
    });
    expect(container('runcell-pool-python-1', 0, { [LABEL_POOL]: 'p' })).toMatchObject({
      executionId: null,
    });
    // Without the pool label a name says nothing: only the label counts, as before.
    expect(container('runcell-sandbox-e1', 0)).toMatchObject({ executionId: null, poolId: null });
  });

  it('keeps cold sandboxes of running executions and young ones, as before', () => {
    const found = [
      container('runcell-sandbox-a', MIN_AGE + 1, { 'runcell.execution-id': 'a' }),
      container('runcell-sandbox-b', MIN_AGE + 1, { 'runcell.execution-id': 'b' }),
      container('runcell-sandbox-c', 10, { 'runcell.execution-id': 'c' }),
    ];
    expect(sweep(found, { known: ['a'] })).toEqual(['runcell-sandbox-b']);
  });

  it('never sweeps what this pool holds, warm or in use', () => {
    const found = [
      container('runcell-pool-python-1', IDLE * 10, { [LABEL_POOL]: 'mine' }),
      container('runcell-sandbox-x', IDLE * 10, { [LABEL_POOL]: 'mine' }),
    ];
    expect(sweep(found, { owned: ['id-runcell-pool-python-1', 'id-runcell-sandbox-x'] })).toEqual(
      [],
    );
  });

  it('sweeps warm containers this pool lost track of, and those of pools long gone', () => {
    const found = [
      container('runcell-pool-python-lost', MIN_AGE + 1, { [LABEL_POOL]: 'mine' }),
      container('runcell-pool-python-live', IDLE, { [LABEL_POOL]: 'other' }),
      container('runcell-pool-python-dead', IDLE + FOREIGN_POOL_GRACE_MS + 1, {
        [LABEL_POOL]: 'other',
      }),
    ];
    expect(sweep(found)).toEqual(['runcell-pool-python-lost', 'runcell-pool-python-dead']);
  });

  it('sweeps a claimed warm container of an unknown execution only when a later sweep still finds it', () => {
    const suspects = new Map<string, number>();
    const claimed = container('runcell-sandbox-z', IDLE, { [LABEL_POOL]: 'other' });
    expect(sweep([claimed], { suspects })).toEqual([]);
    expect(sweep([claimed], { suspects, now: NOW + MIN_AGE - 1 })).toEqual([]);
    expect(sweep([claimed], { suspects, now: NOW + MIN_AGE })).toEqual(['runcell-sandbox-z']);
    // Once its execution is known (or it is gone) it is no longer a suspect.
    expect(sweep([claimed], { suspects, known: ['z'] })).toEqual([]);
    expect(suspects.size).toBe(0);
  });
});
