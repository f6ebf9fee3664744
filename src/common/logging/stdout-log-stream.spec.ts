import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_FLUSH_INTERVAL_MS, StdoutLogStream } from './stdout-log-stream';

describe('StdoutLogStream', () => {
  let folder: string;
  let file: string;
  let logs: StdoutLogStream;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'log-stream-'));
    file = join(folder, 'stdout');
    logs = new StdoutLogStream(openSync(file, 'a'));
  });

  afterEach(() => {
    logs.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes a lone line within a flush tick, without waiting for more lines', async () => {
    const stream = logs.open();
    stream.write('{"msg":"one"}\n');
    for (let waited = 0; waited < 20 * LOG_FLUSH_INTERVAL_MS; waited += 10) {
      if (readFileSync(file, 'utf8') !== '') break;
      await sleep(10);
    }
    expect(readFileSync(file, 'utf8')).toBe('{"msg":"one"}\n');
  });

  it('writes every line in order when many come at once', async () => {
    const stream = logs.open();
    const lines = Array.from({ length: 2000 }, (_, index) => `{"n":${index}}\n`);
    for (const line of lines) stream.write(line);
    const expected = lines.join('');
    for (let waited = 0; waited < 50 * LOG_FLUSH_INTERVAL_MS; waited += 10) {
      if (readFileSync(file, 'utf8').length === expected.length) break;
      await sleep(10);
    }
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('writes what waits synchronously on flush (shutdown)', () => {
    logs.open().write('{"msg":"last words"}\n');
    logs.flush();
    expect(readFileSync(file, 'utf8')).toBe('{"msg":"last words"}\n');
  });
});
