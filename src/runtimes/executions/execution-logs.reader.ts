import { open, unlink } from 'node:fs/promises';
import { RuntimePaths } from '../containers/runtime-paths';

export const MAX_LOG_FILE_BYTES = 5 * 1024 * 1024;
const LOGS_TRUNCATED_NOTE = '\nLog file has been truncated to 5.00MB.';
const ERRORS_TRUNCATED_NOTE = '\nError file has been truncated to 5.00MB.';
const SAFE_LOG_ID = /^[A-Za-z0-9._-]+$/;

/**
 * Reads and deletes the per-execution log files a v4/v5 runtime wrote to `/mnt/logs`. A file
 * over 5 MiB keeps its first 5 MiB plus a note; a missing file is empty.
 */
export async function takeExecutionLogs(
  paths: RuntimePaths,
  logId: string,
): Promise<{ logs: string; errors: string }> {
  if (logId === '' || !SAFE_LOG_ID.test(logId) || logId.includes('..')) {
    return { logs: '', errors: '' };
  }
  const [logs, errors] = await Promise.all([
    takeLogFile(paths.executionLog(logId, 'logs'), LOGS_TRUNCATED_NOTE),
    takeLogFile(paths.executionLog(logId, 'errors'), ERRORS_TRUNCATED_NOTE),
  ]);
  return { logs, errors };
}

async function takeLogFile(file: string, truncatedNote: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  let content: string;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_LOG_FILE_BYTES);
    const buffer = Buffer.alloc(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(buffer, offset, length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const bytes = buffer.subarray(0, offset);
    content =
      size > MAX_LOG_FILE_BYTES
        ? withoutPartialCharacter(bytes).toString('utf8') + truncatedNote
        : bytes.toString('utf8');
  } finally {
    await handle.close();
  }
  await unlink(file).catch(() => undefined);
  return content;
}

/** Drops a UTF-8 sequence cut in two at the end of a truncated buffer. */
function withoutPartialCharacter(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  let continuation = 0;
  while (start >= 0 && continuation < 3 && (bytes[start] & 0xc0) === 0x80) {
    start--;
    continuation++;
  }
  if (start < 0) return bytes;
  const lead = bytes[start];
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return expected > continuation + 1 ? bytes.subarray(0, start) : bytes;
}
