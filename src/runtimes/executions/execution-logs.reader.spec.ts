import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimePaths } from '../containers/runtime-paths';
import { ExecutorError } from '../http/executor-error';
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

  it('removes empty log files and answers empty logs', async () => {
    writeFileSync(paths.executionLog('empty', 'logs'), '');
    writeFileSync(paths.executionLog('empty', 'errors'), '');
    expect(await takeExecutionLogs(paths, 'empty')).toEqual({ logs: '', errors: '' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(paths.executionLog('empty', 'logs'))).toBe(false);
    expect(existsSync(paths.executionLog('empty', 'errors'))).toBe(false);
  });

  it.each([
    ['a symlink to an empty host file', 'empty'],
    ['a symlink to a host file', 'secret'],
  ])('fails on %s, removes the link and leaves the target alone', async (_label, content) => {
    const target = join(tmp, 'host.txt');
    writeFileSync(target, content === 'empty' ? '' : 'host secret');
    symlinkSync(target, paths.executionLog('link', 'errors'));
    await expect(takeExecutionLogs(paths, 'link')).rejects.toBeInstanceOf(ExecutorError);
    expect(existsSync(paths.executionLog('link', 'errors'))).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(content === 'empty' ? '' : 'host secret');
  });

  it('fails on a FIFO without blocking and removes it', async () => {
    execFileSync('mkfifo', [paths.executionLog('fifo', 'logs')]);
    await expect(takeExecutionLogs(paths, 'fifo')).rejects.toBeInstanceOf(ExecutorError);
    expect(existsSync(paths.executionLog('fifo', 'logs'))).toBe(false);
  });
});
