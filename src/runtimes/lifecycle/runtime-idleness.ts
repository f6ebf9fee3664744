import { RuntimeEntry } from '../registry/runtime-registry.service';

/**
 * Runtimes the maintenance job may remove: started, no execution in flight, and not used for
 * longer than the threshold.
 */
export function idleRuntimes(
  entries: RuntimeEntry[],
  nowSeconds: number,
  thresholdSeconds: number,
): RuntimeEntry[] {
  return entries.filter(
    (entry) =>
      entry.row.status !== 'pending' &&
      entry.inFlight === 0 &&
      nowSeconds - entry.row.updated > thresholdSeconds,
  );
}
