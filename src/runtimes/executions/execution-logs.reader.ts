import { lstatSync } from 'node:fs';
import { readRuntimeFile, UnsafeRuntimeFileError } from '../containers/runtime-files';
import { RuntimePaths } from '../containers/runtime-paths';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { removeAfterResponse, removeNow } from './log-file-removals';

export const MAX_LOG_FILE_BYTES = 5 * 1024 * 1024;
const LOGS_TRUNCATED_NOTE = '\nLog file has been truncated to 5.00MB.';
const ERRORS_TRUNCATED_NOTE = '\nError file has been truncated to 5.00MB.';
const SAFE_LOG_ID = /^[A-Za-z0-9._-]+$/;

/**
 * Reads and deletes the per-execution log files a v4/v5 runtime wrote to `/mnt/logs`. A file
 * over 5 MiB keeps its first 5 MiB plus a note; a missing file is empty; a symlink, FIFO or
 * other special file is removed and fails the execution.
 */
export async function takeExecutionLogs(
  paths: RuntimePaths,
  logId: string,
): Promise<{ logs: string; errors: string }> {
  if (logId === '' || !SAFE_LOG_ID.test(logId) || logId.includes('..')) {
    return { logs: '', errors: '' };
  }
  const logs = await takeLogFile(paths.executionLog(logId, 'logs'), LOGS_TRUNCATED_NOTE);
  const errors = await takeLogFile(paths.executionLog(logId, 'errors'), ERRORS_TRUNCATED_NOTE);
  return { logs, errors };
}

async function takeLogFile(file: string, truncatedNote: string): Promise<string> {
  // The runtime creates both files for every execution and most stay empty: an empty regular
  // file (never a symlink: `lstat` does not follow one) has nothing to read, so it is not opened.
  let info;
  try {
    info = lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return '';
  }
  if (info === undefined) return '';
  if (info.isFile() && info.size === 0) {
    removeAfterResponse(file);
    return '';
  }
  let content;
  try {
    content = await readRuntimeFile(file, MAX_LOG_FILE_BYTES);
  } catch (error) {
    if (!(error instanceof UnsafeRuntimeFileError)) return '';
    removeNow(file);
    throw new ExecutorError(
      ExecutorErrorType.RUNTIME_FAILED,
      'The runtime left an execution log that is not a regular file.',
    );
  }
  if (!content) return '';
  removeAfterResponse(file);
  return content.size > MAX_LOG_FILE_BYTES
    ? withoutPartialCharacter(content.bytes).toString('utf8') + truncatedNote
    : content.bytes.toString('utf8');
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
