import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server } from 'node:net';
import { readRuntimeFile, UnsafeRuntimeFileError, writeRuntimeFile } from './runtime-files';

describe('runtime files', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'runcell-files-unit-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads at most the cap and reports the whole size', async () => {
    const file = join(folder, 'logs.txt');
    await writeFile(file, 'abcdefgh');
    const sut = await readRuntimeFile(file, 3);
    expect(sut?.bytes.toString()).toBe('abc');
    expect(sut?.size).toBe(8);
    expect(await readRuntimeFile(join(folder, 'missing'), 10)).toBeUndefined();
  });

  it('refuses a symlink, even to a readable file', async () => {
    const target = join(folder, 'secret');
    await writeFile(target, 'host secret');
    await symlink(target, join(folder, 'logs.txt'));
    await expect(readRuntimeFile(join(folder, 'logs.txt'), 100)).rejects.toBeInstanceOf(
      UnsafeRuntimeFileError,
    );
  });

  it('refuses a FIFO at once instead of blocking on it', async () => {
    const fifo = join(folder, 'timings.txt');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readRuntimeFile(fifo, 100)).rejects.toBeInstanceOf(UnsafeRuntimeFileError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a socket and a folder', async () => {
    const socketPath = join(folder, 'logs.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await expect(readRuntimeFile(socketPath, 100)).rejects.toBeInstanceOf(UnsafeRuntimeFileError);
    } finally {
      server.close();
    }
    await expect(readRuntimeFile(folder, 100)).rejects.toBeInstanceOf(UnsafeRuntimeFileError);
  });

  it('replaces a planted symlink instead of writing through it', async () => {
    const hostFile = join(folder, 'host-file');
    await writeFile(hostFile, 'original');
    const target = join(folder, 'code.tar.gz');
    await symlink(hostFile, target);
    await writeRuntimeFile(target, Buffer.from('new source'));
    expect(await readFile(hostFile, 'utf8')).toBe('original');
    expect((await readRuntimeFile(target, 100))?.bytes.toString()).toBe('new source');
  });
});
