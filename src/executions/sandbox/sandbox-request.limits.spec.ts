import { InvalidSandboxRequestError } from './sandbox.errors';
import {
  assertValidExecutionId,
  SANDBOX_LIMITS,
  validateSandboxRequest,
} from './sandbox-request.validation';
import type { SandboxRequest } from './sandbox.types';

function request(overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    executionId: 'execution-1',
    language: 'python',
    script: 'print(1)',
    timeoutMs: 5000,
    memoryMb: 128,
    cpus: 0.5,
    ...overrides,
  };
}

function problemsOf(run: () => void): string[] {
  try {
    run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSandboxRequestError);
    return (error as InvalidSandboxRequestError).problems;
  }
}

/** The bounds on what one sandbox request may carry into a container. */
describe('sandbox request limits', () => {
  it('accepts the largest environment within both limits', () => {
    const env = Object.fromEntries(
      Array.from({ length: SANDBOX_LIMITS.maxEnvEntries }, (_, index) => [`V${index}`, 'x']),
    );
    expect(problemsOf(() => validateSandboxRequest(request({ env })))).toEqual([]);
  });

  it('refuses one environment variable more than the limit', () => {
    const env = Object.fromEntries(
      Array.from({ length: SANDBOX_LIMITS.maxEnvEntries + 1 }, (_, index) => [`V${index}`, 'x']),
    );
    expect(problemsOf(() => validateSandboxRequest(request({ env })))).toEqual([
      `env must have at most ${SANDBOX_LIMITS.maxEnvEntries} variables`,
    ]);
  });

  it('refuses an environment larger than its byte limit in total', () => {
    const env = {
      A: 'x'.repeat(SANDBOX_LIMITS.maxEnvBytes / 2),
      B: 'y'.repeat(SANDBOX_LIMITS.maxEnvBytes / 2),
    };
    expect(problemsOf(() => validateSandboxRequest(request({ env })))).toEqual([
      `env must be at most ${SANDBOX_LIMITS.maxEnvBytes} bytes in total`,
    ]);
  });

  it('refuses an environment or a script of the wrong type, listing every problem', () => {
    const malformed = request({
      env: ['A=1'] as unknown as Record<string, string>,
      script: 42 as unknown as string,
    });
    expect(problemsOf(() => validateSandboxRequest(malformed))).toEqual([
      'script must be a string',
      'env must be an object of strings',
    ]);
  });

  it.each(['../x', '', '-leading-dash', 'a'.repeat(101), 7])(
    'refuses %p as the execution id of a sandbox to look up',
    (executionId) => {
      expect(problemsOf(() => assertValidExecutionId(executionId))).toHaveLength(1);
    },
  );

  it('accepts an execution id a sandbox name can carry', () => {
    expect(problemsOf(() => assertValidExecutionId('0b5f8a56-6f5e.4a8e_9d53'))).toEqual([]);
  });
});
