import { createHash, timingSafeEqual } from 'node:crypto';

/** Secrets shorter than this are guessable; production start-up warns about them. */
export const MIN_EXECUTOR_SECRET_BYTES = 32;

/**
 * The executor secret as the PHP executor checks it: the second token of the `authorization`
 * header split on single spaces (the scheme word is not checked, so `Bearer x` and `Foo x` both
 * work); an empty token or `0` never matches, and an empty secret matches nothing.
 */
export class ExecutorSecret {
  private readonly expected: Buffer | undefined;

  constructor(secret: string) {
    this.expected = secret === '' ? undefined : digest(secret);
  }

  accepts(header: string | string[] | undefined): boolean {
    const token = executorToken(header);
    if (!this.expected || token === '' || token === '0') return false;
    return timingSafeEqual(digest(token), this.expected);
  }
}

export function executorToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(' ')[1] ?? '';
}

/** Equal-length values for `timingSafeEqual`, whatever the token's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
