import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { StorageDriver, StorageError, StoredObject } from '../storage-driver';
import { byPath, joinStoragePath, listPrefix, normalizeStoragePath } from '../storage-path';

/** Files on this host under `root` (an absolute host folder; `/` reads any absolute path). */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local';
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `local://${root}`;
  }

  async exists(path: string): Promise<boolean> {
    try {
      return (await stat(this.fullPath(path))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw this.failure(error, path);
    }
  }

  async size(path: string): Promise<number> {
    return (await this.fileStat(path)).size;
  }

  async read(path: string): Promise<Readable> {
    await this.fileStat(path);
    return createReadStream(this.fullPath(path));
  }

  async write(path: string, content: Readable | Buffer): Promise<void> {
    const target = this.fullPath(path);
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await this.replaceAtomically(target, (temporary) =>
      pipeline(source, createWriteStream(temporary)),
    ).catch((error: unknown) => {
      throw this.failure(error, path);
    });
  }

  async download(path: string, localFile: string): Promise<void> {
    const source = this.fullPath(path);
    await this.fileStat(path);
    await mkdir(dirname(localFile), { recursive: true });
    await copyFile(source, localFile).catch((error: unknown) => {
      throw this.failure(error, path);
    });
  }

  async upload(localFile: string, path: string): Promise<void> {
    const target = this.fullPath(path);
    await this.replaceAtomically(target, (temporary) => copyFile(localFile, temporary)).catch(
      (error: unknown) => {
        throw this.failure(error, path);
      },
    );
  }

  async delete(path: string): Promise<void> {
    await rm(this.fullPath(path), { force: true }).catch((error: unknown) => {
      throw this.failure(error, path);
    });
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const wanted = listPrefix(prefix);
    // Walk only the deepest folder the prefix names, then filter by the whole prefix.
    const folder = wanted.endsWith('/') ? wanted : posix.dirname(wanted);
    const found: StoredObject[] = [];
    await this.walk(folder, found);
    return found.filter((object) => object.path.startsWith(wanted)).sort(byPath);
  }

  async checkReady(): Promise<void> {
    // A device over the whole host has no folder of its own: writability depends on each path.
    if (this.root === '/') return;
    // The root may not exist yet (it is created on first write): its nearest ancestor must be writable.
    let folder = this.root;
    for (;;) {
      try {
        const info = await stat(folder);
        if (!info.isDirectory()) {
          throw new StorageError('unavailable', `${folder} is not a folder`);
        }
        await access(folder, constants.W_OK);
        return;
      } catch (error) {
        if (error instanceof StorageError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (!(isMissing(error) || code === 'ENOTDIR') || folder === dirname(folder)) {
          throw new StorageError('unavailable', `${folder} is not writable`);
        }
        folder = dirname(folder);
      }
    }
  }

  async close(): Promise<void> {}

  private async walk(folder: string, found: StoredObject[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(joinStoragePath(this.root, folder), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw this.failure(error, folder);
    }
    for (const entry of entries) {
      const path = posix.join(folder, entry.name);
      if (entry.isDirectory()) await this.walk(path, found);
      else if (entry.isFile()) {
        found.push({ path, size: (await stat(joinStoragePath(this.root, path))).size });
      }
    }
  }

  private fullPath(path: string): string {
    return join(this.root, normalizeStoragePath(path));
  }

  private async fileStat(path: string) {
    try {
      const info = await stat(this.fullPath(path));
      if (!info.isFile()) throw new StorageError('not_found', `No file at ${path}`);
      return info;
    } catch (error) {
      if (isMissing(error)) throw new StorageError('not_found', `No file at ${path}`);
      throw this.failure(error, path);
    }
  }

  /** Writes next to the target then renames, so readers never see half a file. */
  private async replaceAtomically(
    target: string,
    writeTo: (temporary: string) => Promise<void>,
  ): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await writeTo(temporary);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private failure(error: unknown, path: string): StorageError {
    if (error instanceof StorageError) return error;
    if (isMissing(error)) return new StorageError('not_found', `No file at ${path}`);
    const reason = error instanceof Error ? error.message : String(error);
    return new StorageError('failed', `Local storage failed on ${path}: ${reason}`);
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
