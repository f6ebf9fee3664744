import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, open, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_FLUSH_INTERVAL_MS, StdoutLogStream } from './stdout-log-stream';

/**
 * Blocks every libuv pool thread on opening a FIFO that has no writer yet, so an asynchronous
 * file write cannot run until the returned function lets them go.
 */
function occupyThreadPool(folder: string): () => Promise<void> {
  const fifo = join(folder, 'blocker');
  execFileSync('mkfifo', [fifo]);
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const opened = Array.from(
    { length: threads },
    () =>
      new Promise<number>((resolve, reject) =>
        open(fifo, 'r', (error, fd) => (error ? reject(error) : resolve(fd))),
      ),
  );
  return async () => {
    const writer = await openWhenReadersWait(fifo);
    for (const fd of await Promise.all(opened)) closeSync(fd);
    closeSync(writer);
  };
}

/** A FIFO opens for writing without blocking only once a reader has it open (or waits in open). */
async function openWhenReadersWait(fifo: string): Promise<number> {
  for (;;) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await sleep(5);
    }
  }
}

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

  it('writes what waits on flush even while every writer thread is busy', async () => {
    const release = occupyThreadPool(folder);
    try {
      logs.open().write('{"msg":"last words"}\n');
      logs.flush();
      expect(readFileSync(file, 'utf8')).toBe('{"msg":"last words"}\n');
    } finally {
      await release();
    }
  });

  it('waits on drain for a batch already with the writer, then writes the rest in order', async () => {
    const release = occupyThreadPool(folder);
    const stream = logs.open();
    const batch = Array.from({ length: 1000 }, (_, index) => `{"n":${index}}\n`);
    for (const line of batch) stream.write(line); // more than a batch: handed to the writer thread
    stream.write('{"msg":"last"}\n');
    let drained: Promise<void>;
    try {
      drained = logs.drain();
      await sleep(50);
      expect(readFileSync(file, 'utf8')).toBe(''); // the writer thread is still held
    } finally {
      await release();
    }
    await drained;
    expect(readFileSync(file, 'utf8')).toBe(batch.join('') + '{"msg":"last"}\n');
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
