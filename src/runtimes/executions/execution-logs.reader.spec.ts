import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimePaths } from '../containers/runtime-paths';
import { MAX_LOG_FILE_BYTES, takeExecutionLogs } from './execution-logs.reader';

describe('takeExecutionLogs', () => {
  let tmp: string;
  let paths: RuntimePaths;

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'runcell-logs-'));
    paths = new RuntimePaths(tmp, 'exec-fn');
    mkdirSync(paths.logs, { recursive: true });
  });

  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads both files and deletes them on the next turn of the event loop', async () => {
    writeFileSync(paths.executionLog('abc', 'logs'), 'hello\n');
    writeFileSync(paths.executionLog('abc', 'errors'), 'oops\n');
    expect(await takeExecutionLogs(paths, 'abc')).toEqual({ logs: 'hello\n', errors: 'oops\n' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(paths.executionLog('abc', 'logs'))).toBe(false);
    expect(existsSync(paths.executionLog('abc', 'errors'))).toBe(false);
  });

  it('keeps exactly 5 MiB as is and truncates more with the notes', async () => {
    writeFileSync(paths.executionLog('a', 'logs'), 'x'.repeat(MAX_LOG_FILE_BYTES));
    writeFileSync(paths.executionLog('a', 'errors'), 'y'.repeat(MAX_LOG_FILE_BYTES + 1));
    const sut = await takeExecutionLogs(paths, 'a');
    expect(sut.logs).toBe('x'.repeat(MAX_LOG_FILE_BYTES));
    expect(sut.errors).toBe(
      'y'.repeat(MAX_LOG_FILE_BYTES) + '\nError file has been truncated to 5.00MB.',
    );
  });

  it('drops a character cut in two by the truncation', async () => {
    writeFileSync(
      paths.executionLog('b', 'logs'),
      Buffer.concat([Buffer.from('x'.repeat(MAX_LOG_FILE_BYTES - 1)), Buffer.from('é!')]),
    );
    const sut = await takeExecutionLogs(paths, 'b');
    expect(sut.logs).toBe(
      'x'.repeat(MAX_LOG_FILE_BYTES - 1) + '\nLog file has been truncated to 5.00MB.',
    );
  });

  it('returns empty logs for missing files, no id, or an unsafe id', async () => {
    writeFileSync(join(tmp, 'secret_logs.log'), 'outside');
    expect(await takeExecutionLogs(paths, '')).toEqual({ logs: '', errors: '' });
    expect(await takeExecutionLogs(paths, 'missing')).toEqual({ logs: '', errors: '' });
    expect(await takeExecutionLogs(paths, '../../secret')).toEqual({ logs: '', errors: '' });
    expect(existsSync(join(tmp, 'secret_logs.log'))).toBe(true);
  });
});
