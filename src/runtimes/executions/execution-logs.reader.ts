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
  const logsFile = paths.executionLog(logId, 'logs');
  const errorsFile = paths.executionLog(logId, 'errors');
  // Most executions log nothing: both files are settled here without a read or an await.
  const logs = hasContent(logsFile) ? await readLogFile(logsFile, LOGS_TRUNCATED_NOTE) : '';
  const errors = hasContent(errorsFile) ? await readLogFile(errorsFile, ERRORS_TRUNCATED_NOTE) : '';
  return { logs, errors };
}

/**
 * False for a missing file, and for an empty regular file (removed after the response): the
 * runtime creates both files for every execution and most stay empty. `lstat` does not follow
 * a symlink, so anything else goes on to the checked read.
 */
function hasContent(file: string): boolean {
  let info;
  try {
    info = lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return false;
  }
  if (info === undefined) return false;
  if (info.isFile() && info.size === 0) {
    removeAfterResponse(file);
    return false;
  }
  return true;
}

async function readLogFile(file: string, truncatedNote: string): Promise<string> {
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
