import { classifyRun } from './sandbox-result';

describe('classifyRun', () => {
  it.each([
    [undefined, 0, 'completed'],
    [undefined, 1, 'failed'],
    [undefined, 137, 'failed'],
    [undefined, null, 'failed'],
    ['timeout', 137, 'timeout'],
    ['timeout', 0, 'timeout'],
    ['cancelled', 137, 'cancelled'],
    ['cancelled', null, 'cancelled'],
  ] as const)('ending %s with exit code %s is %s', (ending, exitCode, expected) => {
    expect(classifyRun(ending, exitCode)).toBe(expected);
  });
});
