import { languageNamed } from '../../languages/language-registry';
import { buildSandboxContainerSpec, LABEL_EXECUTION_ID } from './sandbox-container.factory';

describe('buildSandboxContainerSpec', () => {
  const sut = buildSandboxContainerSpec({
    request: {
      executionId: 'exec-1',
      language: 'python',
      script: 'print(1)',
      env: { GREETING: 'hi' },
      timeoutMs: 1000,
      memoryMb: 96,
      cpus: 0.5,
    },
    language: languageNamed('python'),
    stage: 'run',
    image: 'runcell/sandbox-python:1',
    labels: { 'runcell.managed': 'true' },
    pidsLimit: 32,
    seccompProfile: '{"defaultAction":"SCMP_ACT_ERRNO"}',
    compileMemoryMb: 512,
    buildBytes: 1024,
  });

  it('names and labels the container after the execution', () => {
    expect(sut.name).toBe('runcell-sandbox-exec-1');
    expect(sut.labels).toEqual({ 'runcell.managed': 'true', [LABEL_EXECUTION_ID]: 'exec-1' });
  });

  it('mounts nothing of the host and reads the program from stdin', () => {
    expect(sut.binds).toBeUndefined();
    expect(sut.cmd).toEqual(['run-task', '-']);
    expect(sut.openStdin).toBe(true);
    expect(sut.env).toEqual({ GREETING: 'hi' });
  });

  it('applies every hardening option', () => {
    expect(sut).toMatchObject({
      user: '10001:10001',
      network: 'none',
      readOnlyRootfs: true,
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges', 'seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'],
      pidsLimit: 32,
      memoryBytes: 96 * 1024 * 1024,
      memorySwapBytes: 96 * 1024 * 1024,
      cpus: 0.5,
      logDriver: 'none',
    });
    expect(sut.tmpfs?.['/tmp']).toMatch(/noexec,nosuid,nodev,size=67108864/);
    expect(sut.tmpfs?.['/sandbox']).toMatch(/nosuid,nodev,size=16777216/);
    expect(sut.ulimits?.map((limit) => limit.name).sort()).toEqual(['core', 'fsize', 'nofile']);
  });
});

describe('buildSandboxContainerSpec for a compiled language', () => {
  const specOf = (stage: 'compile' | 'run') =>
    buildSandboxContainerSpec({
      request: {
        executionId: 'exec-2',
        language: 'go',
        script: 'package main',
        env: { GREETING: 'hi' },
        timeoutMs: 1000,
        memoryMb: 96,
        cpus: 1,
      },
      language: languageNamed('go'),
      stage,
      image: 'runcell/sandbox-go:1',
      labels: {},
      pidsLimit: 32,
      seccompProfile: '{}',
      compileMemoryMb: 512,
      buildBytes: 4096,
    });

  it('compiles in its own container with the compile memory, the compiler env and a noexec /build', () => {
    const sut = specOf('compile');
    expect(sut.name).toBe('runcell-sandbox-exec-2-compile');
    expect(sut.memoryBytes).toBe(512 * 1024 * 1024);
    expect(sut.env).not.toHaveProperty('GREETING');
    expect(sut.env).toMatchObject({ GOCACHE: '/tmp/go-cache' });
    expect(sut.tmpfs?.['/build']).toMatch(/^rw,noexec,nosuid,nodev,size=4096,/);
  });

  it('runs with the task memory, the task env and an exec-able but nosuid /build; /tmp stays noexec', () => {
    const sut = specOf('run');
    expect(sut.name).toBe('runcell-sandbox-exec-2');
    expect(sut.memoryBytes).toBe(96 * 1024 * 1024);
    expect(sut.env).toEqual({ GREETING: 'hi' });
    expect(sut.tmpfs?.['/build']).toMatch(/^rw,exec,nosuid,nodev,size=4096,/);
    expect(sut.tmpfs?.['/tmp']).toMatch(/noexec/);
    expect(sut.tmpfs?.['/sandbox']).toMatch(/noexec/);
    expect(sut).toMatchObject({ readOnlyRootfs: true, network: 'none', capDrop: ['ALL'] });
  });
});
