/**
 * The one way to bound how long Runcell waits for something: the timer never outlives the wait,
 * and the work itself is left to finish (or fail) on its own.
 */

/** Settles like `work`, or rejects with `onTimeout()` after `timeoutMs`. */
export async function settleWithin<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(timeoutMs, 0));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `work` (ignoring its failure) but no longer than `timeoutMs`; true if it settled. */
export async function waitAtMost(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const late = new Error('late');
  try {
    await settleWithin(
      work.catch(() => undefined),
      timeoutMs,
      () => late,
    );
    return true;
  } catch {
    return false;
  }
}
