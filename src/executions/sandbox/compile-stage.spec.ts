import { readCompileStage } from './compile-stage';
import { OutputCollector } from './output-collector';
import type { StageOutcome } from './stage-supervisor';

function outcome(overrides: Partial<StageOutcome>, stdout = '', stderr = ''): StageOutcome {
  const out = new OutputCollector(64);
  out.append(Buffer.from(stdout, 'latin1'));
  const err = new OutputCollector(64);
  err.append(Buffer.from(stderr));
  return {
    status: 'completed',
    exitCode: 0,
    stdout: out,
    stderr: err,
    oomKilled: false,
    memoryPeakBytes: null,
    cpuMs: null,
    startedAt: new Date(1000),
    finishedAt: new Date(1250),
    ...overrides,
  };
}

const limits = { timeoutMs: 5000, memoryMb: 512, buildOutputMaxBytes: 32 };

describe('readCompileStage', () => {
  it('returns the build output framed on stdout and the compiler messages', () => {
    const sut = readCompileStage(outcome({}, '3\nabc', 'warning: x'), limits);
    expect(sut.buildOutput?.toString()).toBe('abc');
    expect(sut.result).toMatchObject({
      status: 'completed',
      exitCode: 0,
      output: 'warning: x',
      durationMs: 250,
      error: null,
    });
  });

  it('reports a compile error with its exit code and message, and no build output', () => {
    const sut = readCompileStage(
      outcome({ status: 'failed', exitCode: 1 }, '', 'main.c:1: error'),
      limits,
    );
    expect(sut.buildOutput).toBeNull();
    expect(sut.result).toMatchObject({ status: 'failed', exitCode: 1, output: 'main.c:1: error' });
    expect(sut.result.error).toMatch(/exit code 1/);
  });

  it.each([
    ['a length that does not match', '4\nabc'],
    ['no header', 'abc'],
    ['a build output above the maximum', `40\n${'x'.repeat(40)}`],
  ])('refuses %s', (_name, stdout) => {
    const sut = readCompileStage(outcome({}, stdout), limits);
    expect(sut.buildOutput).toBeNull();
    expect(sut.result.status).toBe('failed');
  });

  it('names a compile timeout and a compiler out of memory', () => {
    expect(readCompileStage(outcome({ status: 'timeout' }), limits).result.error).toMatch(
      /timed out after 5 s/,
    );
    expect(readCompileStage(outcome({ oomKilled: true }), limits).result.error).toMatch(
      /out of memory/,
    );
  });
});
