import { settleWithin, waitAtMost } from './deadline';

describe('deadlines', () => {
  it('settles like the work when it is in time', async () => {
    await expect(settleWithin(Promise.resolve(7), 100, () => new Error('late'))).resolves.toBe(7);
    await expect(
      settleWithin(Promise.reject(new Error('broken')), 100, () => new Error('late')),
    ).rejects.toThrow('broken');
  });

  it('rejects with the timeout error when the work is late', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(settleWithin(never, 10, () => new Error('late'))).rejects.toThrow('late');
  });

  it('waits at most the given time and never fails', async () => {
    const started = Date.now();
    expect(await waitAtMost(new Promise<never>(() => undefined), 20)).toBe(false);
    expect(await waitAtMost(Promise.reject(new Error('ignored')), 20)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
