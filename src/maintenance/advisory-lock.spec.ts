import { advisoryLockKey } from './advisory-lock';

describe('advisoryLockKey', () => {
  it('is a stable signed 64-bit integer per job name', () => {
    const sut = advisoryLockKey('maintenance:refresh-tokens');

    expect(sut).toBe(advisoryLockKey('maintenance:refresh-tokens'));
    expect(sut).toMatch(/^-?\d+$/);
    const value = BigInt(sut);
    expect(value >= -(2n ** 63n) && value < 2n ** 63n).toBe(true);
  });

  it('differs between jobs', () => {
    expect(advisoryLockKey('a')).not.toBe(advisoryLockKey('b'));
  });
});
