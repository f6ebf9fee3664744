import type { ThrottlerStorage } from '@nestjs/throttler';
import { ExecutorAuthFailures } from './executor-auth-failures';

/** A storage that blocks from the `limit + 1`-th hit of a key, like the Redis one. */
function countingStorage(): ThrottlerStorage & { keys: string[] } {
  const hits = new Map<string, number>();
  const keys: string[] = [];
  return {
    keys,
    increment: (key, ttl, limit) => {
      keys.push(key);
      const total = (hits.get(key) ?? 0) + 1;
      hits.set(key, total);
      return Promise.resolve({
        totalHits: total,
        timeToExpire: ttl / 1000,
        isBlocked: total > limit,
        timeToBlockExpire: total > limit ? 42 : 0,
      });
    },
  };
}

describe('ExecutorAuthFailures', () => {
  const rule = { limit: 2, windowSeconds: 60 };

  it('limits an address past the limit and remembers the block without asking again', async () => {
    const storage = countingStorage();
    const sut = new ExecutorAuthFailures(storage, rule, 'prefix');
    expect(await sut.record('10.0.0.1')).toEqual({ limited: false, retryAfter: 0 });
    expect(await sut.record('10.0.0.1')).toEqual({ limited: false, retryAfter: 0 });
    expect(sut.blockedFor('10.0.0.1')).toBe(0);
    expect(await sut.record('10.0.0.1')).toEqual({ limited: true, retryAfter: 42 });
    expect(sut.blockedFor('10.0.0.1')).toBeGreaterThan(40);
    expect(sut.blockedFor('10.0.0.2')).toBe(0);
    expect(storage.keys.every((key) => key.startsWith('prefix:rate-limit:'))).toBe(true);
    expect(storage.keys.some((key) => key.includes('10.0.0.1'))).toBe(false);
  });

  it('stays a plain failure when the storage is unreachable or rate limits are off', async () => {
    const broken: ThrottlerStorage = {
      increment: () => Promise.reject(new Error('Connection is closed.')),
    };
    expect(await new ExecutorAuthFailures(broken, rule, 'p').record('10.0.0.3')).toEqual({
      limited: false,
      retryAfter: 0,
    });
    expect(await new ExecutorAuthFailures(undefined, rule, 'p').record('10.0.0.3')).toEqual({
      limited: false,
      retryAfter: 0,
    });
  });
});
