import { InvalidConfigError, loadConfig } from '../../config/load-config';
import { parsePoolLanguages, POOLABLE_LANGUAGES } from './sandbox-pool.settings';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('sandbox pool settings', () => {
  it('keeps a small pool of the common languages by default', () => {
    const sut = loadConfig({}).executions.sandboxPool;
    expect(sut).toEqual({
      size: 8,
      targets: [
        { language: 'python', count: 4 },
        { language: 'javascript', count: 2 },
        { language: 'bash', count: 2 },
      ],
      idleMs: 300_000,
    });
  });

  it('reads the size, the per-language targets in their order and the idle time', () => {
    const sut = loadConfig({
      SANDBOX_POOL_SIZE: '6',
      SANDBOX_POOL_LANGUAGES: ' bash = 3 , typescript=0,python=2 ',
      SANDBOX_POOL_IDLE_SECONDS: '60',
    }).executions.sandboxPool;
    expect(sut).toEqual({
      size: 6,
      targets: [
        { language: 'bash', count: 3 },
        { language: 'typescript', count: 0 },
        { language: 'python', count: 2 },
      ],
      idleMs: 60_000,
    });
  });

  it('accepts 0 (no pool) and an empty language list', () => {
    expect(loadConfig({ SANDBOX_POOL_SIZE: '0' }).executions.sandboxPool.size).toBe(0);
    expect(loadConfig({ SANDBOX_POOL_LANGUAGES: '' }).executions.sandboxPool.targets).toEqual([]);
  });

  it.each([
    [{ SANDBOX_POOL_SIZE: '-1' }, 'SANDBOX_POOL_SIZE'],
    [{ SANDBOX_POOL_SIZE: '65' }, 'SANDBOX_POOL_SIZE'],
    [{ SANDBOX_POOL_SIZE: 'many' }, 'SANDBOX_POOL_SIZE must be a whole number'],
    [{ SANDBOX_POOL_IDLE_SECONDS: '5' }, 'SANDBOX_POOL_IDLE_SECONDS'],
    [{ SANDBOX_POOL_LANGUAGES: 'python' }, 'entries must be <language>=<count>'],
    [{ SANDBOX_POOL_LANGUAGES: 'python=-1' }, 'entries must be <language>=<count>'],
    [{ SANDBOX_POOL_LANGUAGES: 'python=2,python=1' }, 'names python twice'],
    [{ SANDBOX_POOL_LANGUAGES: 'cobol=1' }, '"cobol" cannot be pooled'],
    [{ SANDBOX_POOL_LANGUAGES: 'c=1' }, '"c" cannot be pooled'],
    [{ SANDBOX_POOL_LANGUAGES: 'python=65' }, 'python must be at most 64'],
  ])('refuses %j with a clear problem', (env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it('pools the one-stage languages only: compiled ones run two containers', () => {
    const oneStage = ['python', 'javascript', 'typescript', 'bash', 'ruby', 'php', 'lua', 'perl'];
    expect(POOLABLE_LANGUAGES).toEqual(oneStage);
    expect(parsePoolLanguages('go=1').problems).toEqual([
      `SANDBOX_POOL_LANGUAGES: "go" cannot be pooled (poolable: ${oneStage.join(', ')})`,
    ]);
  });
});
