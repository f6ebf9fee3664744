import { RuntimeEntry } from '../registry/runtime-registry.service';
import { idleRuntimes } from './runtime-idleness';

function entry(name: string, updated: number, overrides: Partial<RuntimeEntry> = {}): RuntimeEntry {
  return {
    row: {
      version: 'v5',
      created: 0,
      updated,
      name,
      hostname: 'h',
      status: 'Up 1s',
      key: 'k',
      listening: 1,
      image: 'img',
      initialised: 1,
    },
    inFlight: 0,
    ...overrides,
  };
}

describe('idleRuntimes', () => {
  it('selects runtimes unused for longer than the threshold', () => {
    const old = entry('old', 90);
    const recent = entry('recent', 99);

    const sut = idleRuntimes([old, recent], 100, 5);

    expect(sut.map((e) => e.row.name)).toEqual(['old']);
  });

  it('never selects a runtime with an execution in flight', () => {
    expect(idleRuntimes([entry('busy', 0, { inFlight: 1 })], 100, 5)).toEqual([]);
  });

  it('never selects a runtime still being created', () => {
    const pending = entry('pending', 0);
    pending.row.status = 'pending';

    expect(idleRuntimes([pending], 100, 5)).toEqual([]);
  });
});
