import { loadConfig } from '../../config';
import { ContainerEngine } from '../../container-engine';
import { RuntimeStartParams } from '../params/runtime-params';
import { SourceFetcher } from '../source/source-fetcher';
import { RuntimeContainerService } from './runtime-container.service';
import { RuntimeNetworks } from './runtime-networks.service';

const params: RuntimeStartParams = {
  runtimeId: 'fn',
  image: 'runcell/node:v5',
  entrypoint: 'index.js',
  source: '/data/code.tar.gz',
  variables: { USER_VAR: 'u', OPEN_RUNTIMES_SECRET: 'overridden', 'bad key!': 'k' },
  runtimeEntrypoint: '',
  cpus: 0.5,
  memory: 128,
  version: 'v5',
  restartPolicy: 'always',
  outputDirectory: '',
};

function makeSut(env: Record<string, string> = {}) {
  const config = loadConfig({
    URT_HOSTNAME: 'exec',
    URT_TMP_DIR: '/work/tmp',
    RUNCELL_INSTANCE_ID: 'inst',
    ...env,
  });
  return new RuntimeContainerService(
    config,
    {} as ContainerEngine,
    {} as SourceFetcher,
    {} as RuntimeNetworks,
  );
}

const request = { name: 'exec-fn', hostname: 'h'.repeat(32), secret: 's'.repeat(32), params };

describe('RuntimeContainerService.containerSpec', () => {
  it('builds the v5 container: env, mounts under the tmp dir, labels, limits, idle command', () => {
    const sut = makeSut();
    const spec = sut.containerSpec(request, sut.paths('exec-fn'), 'net');
    expect(spec).toMatchObject({
      image: 'runcell/node:v5',
      name: 'exec-fn',
      hostname: 'h'.repeat(32),
      cmd: ['tail', '-f', '/dev/null'],
      network: 'net',
      cpus: 0.5,
      memoryBytes: 128_000_000,
      restartPolicy: 'always',
      workingDir: undefined,
      binds: [
        '/work/tmp/exec-fn/src:/tmp:rw',
        '/work/tmp/exec-fn/builds:/mnt/code:rw',
        '/work/tmp/exec-fn/logs:/mnt/logs:rw',
        '/work/tmp/exec-fn/logging:/tmp/logging:rw',
      ],
      labels: {
        'openruntimes-executor': 'exec',
        'openruntimes-runtime-id': 'fn',
        'runcell.managed': 'true',
        'runcell.instance': 'inst',
        'runcell.kind': 'runtime',
      },
    });
    expect(spec.env).toEqual({
      USER_VAR: 'u',
      badkey: 'k',
      OPEN_RUNTIMES_SECRET: 's'.repeat(32),
      OPEN_RUNTIMES_ENTRYPOINT: 'index.js',
      OPEN_RUNTIMES_HOSTNAME: 'exec',
      OPEN_RUNTIMES_CPUS: '0.5',
      OPEN_RUNTIMES_MEMORY: '128',
      CI: 'true',
    });
  });

  it('raises cpus and memory to the configured floors', () => {
    const sut = makeSut({ URT_MIN_CPUS: '1', URT_MIN_MEMORY: '256' });
    const spec = sut.containerSpec(request, sut.paths('exec-fn'), 'net');
    expect(spec).toMatchObject({ cpus: 1, memoryBytes: 256_000_000 });
    expect(spec.env).toMatchObject({ OPEN_RUNTIMES_CPUS: '1', OPEN_RUNTIMES_MEMORY: '256' });
  });

  it('keeps a CPU limit above the host CPU count (Docker accepts the quota)', () => {
    const sut = makeSut();
    const spec = sut.containerSpec(
      { ...request, params: { ...params, cpus: 2.5, memory: 1024 } },
      sut.paths('exec-fn'),
      'net',
    );
    expect(spec.cpus).toBe(2.5);
    expect(spec.env?.OPEN_RUNTIMES_CPUS).toBe('2.5');
  });

  it('runs the runtime entrypoint with bash -c', () => {
    const sut = makeSut();
    const spec = sut.containerSpec(
      { ...request, params: { ...params, runtimeEntrypoint: 'echo hi && sleep 1' } },
      sut.paths('exec-fn'),
      'net',
    );
    expect(spec.cmd).toEqual(['bash', '-c', 'echo hi && sleep 1']);
  });

  it('builds the v2 container: image command, /usr/code, v2 env and no log mounts', () => {
    const sut = makeSut();
    const spec = sut.containerSpec(
      { ...request, params: { ...params, version: 'v2', variables: {} } },
      sut.paths('exec-fn'),
      'net',
    );
    expect(spec.cmd).toBeUndefined();
    expect(spec.workingDir).toBe('/usr/code');
    expect(spec.binds).toEqual([
      '/work/tmp/exec-fn/src:/tmp:rw',
      '/work/tmp/exec-fn/builds:/usr/code:rw',
    ]);
    expect(spec.env).toEqual({
      INTERNAL_RUNTIME_KEY: 's'.repeat(32),
      INTERNAL_RUNTIME_ENTRYPOINT: 'index.js',
      INERNAL_EXECUTOR_HOSTNAME: 'exec',
      CI: 'true',
    });
  });

  it('gives v4 the v5 env and log mounts', () => {
    const sut = makeSut();
    const spec = sut.containerSpec(
      { ...request, params: { ...params, version: 'v4' } },
      sut.paths('exec-fn'),
      'net',
    );
    expect(spec.binds).toContain('/work/tmp/exec-fn/logs:/mnt/logs:rw');
    expect(spec.env?.OPEN_RUNTIMES_SECRET).toBe('s'.repeat(32));
  });

  it('copies the source as code.tar when it ends in .tar', () => {
    const sut = makeSut();
    expect(sut.paths('exec-fn').sourceArchive('/x/build.tar')).toBe(
      '/work/tmp/exec-fn/src/code.tar',
    );
    expect(sut.paths('exec-fn').sourceArchive('/x/build.zip')).toBe(
      '/work/tmp/exec-fn/src/code.tar.gz',
    );
  });
});
