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
    image: 'runcell/sandbox-python:1',
    labels: { 'runcell.managed': 'true' },
    pidsLimit: 32,
    seccompProfile: '{"defaultAction":"SCMP_ACT_ERRNO"}',
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
