import { execFileSync } from 'node:child_process';
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

  it('writes what waits when the process exits right after logging', () => {
    const script = [
      `const { openSync } = require('node:fs');`,
      `const { StdoutLogStream } = require(${JSON.stringify(join(__dirname, 'stdout-log-stream'))});`,
      `const stream = new StdoutLogStream(openSync(${JSON.stringify(file)}, 'a')).open();`,
      `stream.write('{"msg":"before exit"}\\n');`,
      `process.exit(0);`,
    ].join('\n');
    execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    expect(readFileSync(file, 'utf8')).toBe('{"msg":"before exit"}\n');
  });
});
