import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Readable } from 'node:stream';
import {
  byPath,
  listPrefix,
  normalizeStoragePath,
  StorageDriver,
  StorageError,
  StoredObject,
} from '../../../src/storage';

/** The example driver of `docs/extending.md`: objects in a Map, under `root`. */
export class MemoryStorageDriver implements StorageDriver {
  readonly kind = 'memory';
  readonly description: string;
  readonly objects = new Map<string, Buffer>();
  /** Makes `checkReady` fail, as a device that stopped answering would. */
  down = false;
  closed = false;

  constructor(readonly root = '/') {
    this.description = `memory://${root}`;
  }

  exists(path: string): Promise<boolean> {
    return settle(() => this.objects.has(this.key(path)));
  }

  size(path: string): Promise<number> {
    return settle(() => this.object(path).length);
  }

  read(path: string): Promise<Readable> {
    return settle(() => Readable.from([this.object(path)]));
  }

  async write(path: string, content: Readable | Buffer): Promise<void> {
    const key = this.key(path);
    if (Buffer.isBuffer(content)) {
      this.objects.set(key, Buffer.from(content));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    this.objects.set(key, Buffer.concat(chunks));
  }

  async download(path: string, localFile: string): Promise<void> {
    const content = this.object(path);
    await mkdir(dirname(localFile), { recursive: true });
    await writeFile(localFile, content);
  }

  async upload(localFile: string, path: string): Promise<void> {
    this.objects.set(this.key(path), await readFile(localFile));
  }

  delete(path: string): Promise<void> {
    return settle(() => void this.objects.delete(this.key(path)));
  }

  list(prefix: string): Promise<StoredObject[]> {
    return settle(() => {
      // `join` keeps the trailing `/` of a folder prefix.
      const under = posix.join(this.root, listPrefix(prefix));
      return [...this.objects.entries()]
        .filter(([key]) => key.startsWith(under))
        .map(([key, content]) => ({
          path: `/${posix.relative(this.root, key)}`,
          size: content.length,
        }))
        .sort(byPath);
    });
  }

  checkReady(): Promise<void> {
    return settle(() => {
      if (this.down) throw new StorageError('unavailable', `${this.description} is not answering`);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private key(path: string): string {
    return posix.join(this.root, normalizeStoragePath(path));
  }

  private object(path: string): Buffer {
    const content = this.objects.get(this.key(path));
    if (!content) throw new StorageError('not_found', `${path} does not exist`);
    return content;
  }
}

/** A promise of `work()`, rejected (not thrown) when it throws, as an async driver behaves. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
