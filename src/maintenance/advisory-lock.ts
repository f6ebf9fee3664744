import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A stable 64-bit advisory lock key for a job name (first 8 bytes of its SHA-256). */
export function advisoryLockKey(jobName: string): string {
  return createHash('sha256').update(`runcell:${jobName}`).digest().readBigInt64BE(0).toString();
}

/**
 * Runs `work` while holding the session advisory lock of `jobName`, so one replica runs the job
 * at a time. Returns `{ ran: false }` when another replica holds the lock.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  jobName: string,
  work: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const key = advisoryLockKey(jobName);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ])) as { locked: boolean }[];
    if (!row?.locked) return { ran: false };
    try {
      return { ran: true, result: await work() };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await runner.release();
  }
}
