import { unlinkSync } from 'node:fs';

/**
 * Removes the execution log files already read, after the answer is on its way: the files
 * queued while a request is handled are unlinked together on the next turn of the event loop
 * (`setImmediate` runs after the response has been written), off the request's path.
 */
const queued: string[] = [];
let scheduled = false;

export function removeAfterResponse(file: string): void {
  queued.push(file);
  if (scheduled) return;
  scheduled = true;
  setImmediate(removeQueued);
}

/** Unlinks every queued file now; a file already gone is fine. */
function removeQueued(): void {
  scheduled = false;
  const files = queued.splice(0, queued.length);
  for (const file of files) removeNow(file);
}

export function removeNow(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
