import { languageNamed } from '../../languages/language-registry';
import {
  buildPooledSandboxSpec,
  frameWarmRun,
  LABEL_POOL,
  limitsOf,
  poolLimits,
  sameLimits,
} from './pooled-sandbox';
import { buildSandboxContainerSpec, LABEL_EXECUTION_ID } from './sandbox-container.factory';

const common = {
  image: 'runcell/sandbox-python:1',
  labels: { 'runcell.managed': 'true', 'runcell.kind': 'sandbox' },
  pidsLimit: 64,
  seccompProfile: '{"defaultAction":"SCMP_ACT_ERRNO"}',
  compileMemoryMb: 1024,
  buildBytes: 1024,
};

describe('pooled sandbox spec', () => {
  it.each(['python', 'javascript'])(
    'is the hardened spec of a cold %s sandbox but for name, labels, env and launcher',
    (name) => {
      const language = languageNamed(name);
      const sut = buildPooledSandboxSpec({
        ...common,
        language,
        poolId: 'p1',
        name: 'runcell-pool-x',
      });
      const cold = buildSandboxContainerSpec({
        ...common,
        language,
        stage: 'run',
        request: {
          executionId: 'e1',
          language: name as 'python',
          script: '',
          timeoutMs: 1000,
          memoryMb: language.defaults.memoryMb,
          cpus: 1,
        },
      });
      const differing = ['name', 'labels', 'env', 'cmd'] as const;
      const strip = (spec: typeof sut) => {
        const copy: Record<string, unknown> = { ...spec };
        for (const key of differing) delete copy[key];
        return copy;
      };
      expect(strip(sut)).toEqual(strip(cold));
      expect(sut.name).toBe('runcell-pool-x');
      expect(sut.env).toEqual({});
      expect(sut.labels).toMatchObject({ ...common.labels, [LABEL_POOL]: 'p1' });
      expect(sut.labels).not.toHaveProperty(LABEL_EXECUTION_ID);
      expect(sut.cmd?.slice(0, 2)).toEqual(['bash', '-c']);
      expect(sut.cmd?.[3]).toBe('run-task');
      expect(sut.cmd?.slice(5)).toEqual(language.runCommand);
    },
  );

  it('starts node ahead of time in a javascript container only', () => {
    const spec = (name: string) =>
      buildPooledSandboxSpec({ ...common, language: languageNamed(name), poolId: 'p', name: 'n' });
    const javascript = spec('javascript').cmd ?? [];
    expect(javascript[2]).toContain('node -e "$loader"');
    expect(javascript[4]).toContain('Module.runMain()');
    for (const name of ['python', 'typescript', 'bash', 'ruby']) {
      expect(spec(name).cmd?.[2]).not.toContain('node -e');
    }
  });

  it('frames the environment as a count and NUL-terminated entries, then the nonce line', () => {
    const nonce = 'ab'.repeat(16);
    expect(frameWarmRun(nonce)).toEqual(Buffer.from(`0\n${nonce}\n`));
    expect(frameWarmRun(nonce, { A: 'x\ny', B: 'é=1' })).toEqual(
      Buffer.from(`2\nA=x\ny\0B=é=1\0${nonce}\n`, 'utf8'),
    );
    expect(() => frameWarmRun('not-a-nonce')).toThrow();
  });

  it('compares limits exactly', () => {
    const language = languageNamed('bash');
    expect(sameLimits(limitsOf({ memoryMb: 256, cpus: 1 }), poolLimits(language))).toBe(true);
    expect(sameLimits(limitsOf({ memoryMb: 256, cpus: 0.5 }), poolLimits(language))).toBe(false);
    expect(sameLimits(limitsOf({ memoryMb: 128, cpus: 1 }), poolLimits(language))).toBe(false);
  });
});
