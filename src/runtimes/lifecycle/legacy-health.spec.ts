import { RuntimeEntry, RuntimeRegistry } from '../registry/runtime-registry.service';
import { legacyHealth } from './legacy-health';

function registryWith(...names: string[]): RuntimeRegistry {
  const registry = new RuntimeRegistry();
  for (const name of names) registry.set({ row: { name }, inFlight: 0 } as RuntimeEntry);
  return registry;
}

describe('legacyHealth', () => {
  it('keys runtimes by id and leaves out the ones removed since the sample', () => {
    const sut = legacyHealth(
      {
        usage: 12.5,
        collectedAt: '2026-01-01T00:00:00.000Z',
        runtimes: {
          'exec-1-fn': { status: 'pass', usage: 3, memoryBytes: 100 },
          'exec-1-gone': { status: 'pass', usage: 1, memoryBytes: 100 },
          'exec-1-broken': { status: 'fail', usage: null, memoryBytes: null },
        },
      },
      registryWith('exec-1-fn', 'exec-1-broken'),
      'exec-1',
    );

    expect(sut).toEqual({
      status: 'pass',
      usage: 12.5,
      runtimes: {
        fn: { status: 'pass', usage: 3 },
        broken: { status: 'fail', usage: null },
      },
    });
  });

  it('answers pass with null usage before the first samples', () => {
    const sut = legacyHealth(
      { usage: null, runtimes: {}, collectedAt: null },
      registryWith('exec-1-new'),
      'exec-1',
    );

    expect(sut).toEqual({ status: 'pass', usage: null, runtimes: {} });
  });
});
