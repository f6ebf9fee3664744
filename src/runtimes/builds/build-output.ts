/** One line of a build's output as the API returns it. */
export interface BuildLogEntry {
  timestamp: string;
  content: string;
}

/** Upstream's cap on parsed build logs; its note says 5 MB, the limit is 1 MB. */
export const MAX_BUILD_LOG_BYTES = 1_000_000;
export const TRUNCATED_NOTE = 'Logs truncated due to size exceeding 5.00MB.';

/** `YYYY-MM-DDTHH:MM:SS.mmm+00:00`. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+00:00');
}

/** One row of `script`'s timing file: the delay before a chunk and the chunk's byte length. */
export interface TimingRow {
  delaySeconds: number;
  length: number;
}

export function parseTimings(timings: string): TimingRow[] {
  const rows: TimingRow[] = [];
  for (const line of timings.split('\n')) {
    const [delay, length] = line.trim().split(' ', 2);
    if (delay === undefined || length === undefined) continue;
    const delaySeconds = Number(delay);
    const bytes = Number.parseInt(length, 10);
    if (!Number.isFinite(delaySeconds) || !Number.isInteger(bytes) || bytes < 0) continue;
    rows.push({ delaySeconds, length: bytes });
  }
  return rows;
}

/** `logs.txt` without the header line `script` writes first. */
export function stripScriptHeader(logs: Buffer): Buffer {
  const newline = logs.indexOf(0x0a);
  return newline === -1 ? Buffer.alloc(0) : logs.subarray(newline + 1);
}

/**
 * The v5 build output (§3.5): one entry per timing row, holding the next `length` bytes of the
 * log (header skipped), stamped `startMs` plus the cumulative delays. Once 1,000,000 bytes were
 * taken, one note entry ends the list.
 */
export function parseBuildOutput(logs: Buffer, timings: string, startMs: number): BuildLogEntry[] {
  const body = stripScriptHeader(logs);
  const entries: BuildLogEntry[] = [];
  let offset = 0;
  let elapsedMs = 0;
  for (const row of parseTimings(timings)) {
    elapsedMs += row.delaySeconds * 1000;
    const timestamp = formatTimestamp(startMs + elapsedMs);
    if (offset >= MAX_BUILD_LOG_BYTES) {
      entries.push({ timestamp, content: TRUNCATED_NOTE });
      break;
    }
    entries.push({
      timestamp,
      content: body.subarray(offset, offset + row.length).toString('utf8'),
    });
    offset += row.length;
  }
  return entries;
}
