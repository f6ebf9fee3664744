import { ContainerInfo } from '../../container-engine';
import { adoptedEntry } from './runtime-adoption';

function container(overrides: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: 'abc',
    name: 'exec-1-fn',
    image: 'runcell/node:v5',
    hostname: 'a1b2',
    state: 'running',
    running: true,
    exitCode: null,
    oomKilled: false,
    labels: {},
    env: { OPEN_RUNTIMES_SECRET: 'secret-v5' },
    networks: { other: '10.0.0.9', runtimes: '10.0.0.2' },
    createdAt: new Date(1_000_000),
    startedAt: new Date(1_010_000),
    finishedAt: null,
    ...overrides,
  };
}

describe('adoptedEntry', () => {
  it('rebuilds a warm v5 row from a running container', () => {
    const sut = adoptedEntry(container(), ['runtimes'], 1_020);

    expect(sut).toEqual({
      row: {
        version: 'v5',
        created: 1_000,
        updated: 1_020,
        name: 'exec-1-fn',
        hostname: 'a1b2',
        status: 'Up 10s',
        key: 'secret-v5',
        listening: 0,
        image: 'runcell/node:v5',
        initialised: 1,
      },
      network: 'runtimes',
      address: '10.0.0.2',
    });
  });

  it('recognises a v2 runtime by its key variable', () => {
    const sut = adoptedEntry(container({ env: { INTERNAL_RUNTIME_KEY: 'k2' } }), ['runtimes']);

    expect(sut?.row.version).toBe('v2');
    expect(sut?.row.key).toBe('k2');
  });

  it('takes the protocol version from the container label', () => {
    const sut = adoptedEntry(container({ labels: { 'runcell.runtime-version': 'v4' } }), [
      'runtimes',
    ]);

    expect(sut?.row.version).toBe('v4');
    expect(sut?.row.key).toBe('secret-v5');
  });

  it('ignores a version label it does not know', () => {
    const sut = adoptedEntry(container({ labels: { 'runcell.runtime-version': 'v9' } }), [
      'runtimes',
    ]);

    expect(sut?.row.version).toBe('v5');
  });

  it('falls back to any network when none of the configured ones is joined', () => {
    expect(adoptedEntry(container(), ['absent'])?.address).toBe('10.0.0.9');
  });

  it.each([
    ['stopped', { running: false, state: 'exited' as const }],
    ['without a secret', { env: {} }],
    ['without an address', { networks: {} }],
  ])('leaves a container %s alone', (_label, overrides) => {
    expect(adoptedEntry(container(overrides), ['runtimes'])).toBeUndefined();
  });
});
