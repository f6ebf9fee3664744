import { InvalidSandboxRequestError } from './sandbox.errors';
import { validateSandboxRequest } from './sandbox-request.validation';
import type { SandboxRequest } from './sandbox.types';

function request(overrides: Partial<SandboxRequest> = {}): SandboxRequest {
  return {
    executionId: '0b5f8a56-6f5e-4a8e-9d53-2f1f4a1d2c3b',
    language: 'python',
    script: 'print(1)',
    timeoutMs: 5000,
    memoryMb: 128,
    cpus: 0.5,
    ...overrides,
  };
}

function problemsOf(candidate: SandboxRequest): string[] {
  try {
    validateSandboxRequest(candidate);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSandboxRequestError);
    return (error as InvalidSandboxRequestError).problems;
  }
}

describe('validateSandboxRequest', () => {
  it('accepts a well-formed request', () => {
    expect(problemsOf(request({ env: { GREETING: 'hi', _X1: '' }, stdin: 'x' }))).toEqual([]);
  });

  it.each([
    ['an execution id that could escape a container name', { executionId: '../x' }],
    ['an empty execution id', { executionId: '' }],
    ['an unknown language', { language: 'cobol' as SandboxRequest['language'] }],
    ['an env name with "="', { env: { 'A=B': 'x' } }],
    ['an env name starting with a digit', { env: { '1A': 'x' } }],
    ['an env value with a NUL byte', { env: { A: 'x\0y' } }],
    ['a fractional timeout', { timeoutMs: 10.5 }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['too little memory', { memoryMb: 4 }],
    ['zero cpus', { cpus: 0 }],
    ['NaN cpus', { cpus: Number.NaN }],
    ['a huge stdin', { stdin: Buffer.alloc(16 * 1024 * 1024 + 1) }],
    ['a huge script', { script: 'x'.repeat(4 * 1024 * 1024 + 1) }],
  ])('refuses %s', (_name, overrides) => {
    expect(problemsOf(request(overrides as Partial<SandboxRequest>))).toHaveLength(1);
  });

  it('lists every problem at once', () => {
    expect(problemsOf(request({ timeoutMs: -1, memoryMb: 0, cpus: 100 }))).toHaveLength(3);
  });
});
