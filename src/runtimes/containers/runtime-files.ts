import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs';
import { FileHandle, open, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Host-side access to files inside a runtime's work folders (`RuntimePaths`). A runtime or a
 * build can write every one of them, so each open refuses symlinks (`O_NOFOLLOW`), never blocks
 * on a FIFO (`O_NONBLOCK`), accepts only a regular file (`fstat`) and reads at most a cap.
 * Writes go to a fresh temporary file (`O_EXCL`, which refuses a planted symlink too) renamed
 * over the target.
 */

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/**
 * Up to this many bytes a read is one blocking call: opening with `O_NONBLOCK`, `fstat` and
 * reading a small local file take microseconds, far less than a thread-pool round trip per step
 * (the per-execution log files are read on every warm execution). Larger reads go to the pool.
 */
const BLOCKING_READ_MAX_BYTES = 64 * 1024;
const readAsync = promisify(read);
const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** The file exists but is a symlink, FIFO, socket, device or folder. */
export class UnsafeRuntimeFileError extends Error {
  constructor(readonly file: string) {
    super(`${file} is not a regular file`);
    this.name = 'UnsafeRuntimeFileError';
  }
}

/** A runtime-written file opened safely: the handle and its size when it was opened. */
export interface OpenedRuntimeFile {
  handle: FileHandle;
  size: number;
}

/** Refusals of a safe open: the file is missing (`undefined`) or not a regular file (thrown). */
function openFailure(file: string, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  // ELOOP: a symlink; ENXIO: a socket or a FIFO without a writer (on some systems).
  if (code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR') {
    throw new UnsafeRuntimeFileError(file);
  }
  throw error;
}

/** Opens `file` for reading; `undefined` when it does not exist. */
export async function openRuntimeFile(file: string): Promise<OpenedRuntimeFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, READ_FLAGS);
  } catch (error) {
    return openFailure(file, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsafeRuntimeFileError(file);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export interface RuntimeFileContent {
  /** The bytes read, at most `maxBytes`. */
  bytes: Buffer;
  /** The file's size when it was opened (may exceed `bytes.length`). */
  size: number;
}

/**
 * Reads at most `maxBytes` of `file`, starting at `offset`; `undefined` when it does not exist.
 */
export async function readRuntimeFile(
  file: string,
  maxBytes: number,
  offset = 0,
): Promise<RuntimeFileContent | undefined> {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    return openFailure(file, error);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new UnsafeRuntimeFileError(file);
    const length = Math.max(Math.min(info.size - offset, maxBytes), 0);
    const buffer = Buffer.allocUnsafe(length);
    const blocking = length <= BLOCKING_READ_MAX_BYTES;
    let filled = 0;
    while (filled < length) {
      const bytesRead = blocking
        ? readSync(fd, buffer, filled, length - filled, offset + filled)
        : (await readAsync(fd, buffer, filled, length - filled, offset + filled)).bytesRead;
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: buffer.subarray(0, filled), size: info.size };
  } finally {
    closeSync(fd);
  }
}

/** A stream of at most the first `size` bytes of an opened file; it closes the handle. */
export function streamRuntimeFile(opened: OpenedRuntimeFile): Readable {
  if (opened.size === 0) {
    void opened.handle.close();
    return Readable.from([]);
  }
  return opened.handle.createReadStream({ start: 0, end: opened.size - 1, autoClose: true });
}

/** Writes `content` to `file` by a fresh temporary file in the same folder and a rename. */
export async function writeRuntimeFile(file: string, content: Readable | Buffer): Promise<void> {
  const temporary = join(dirname(file), `.${randomBytes(8).toString('hex')}.partial`);
  const handle = await open(temporary, CREATE_FLAGS, 0o644);
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    // The write stream closes the handle when it finishes (or fails).
    await pipeline(source, handle.createWriteStream());
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
