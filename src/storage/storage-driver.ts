import type { Readable } from 'node:stream';

/** The main storage device: build sources are read from it, build artifacts written to it. */
export const STORAGE = Symbol('STORAGE');
/** The build-cache device, rooted at `/build-cache`. */
export const BUILD_CACHE_STORAGE = Symbol('BUILD_CACHE_STORAGE');

export interface StoredObject {
  /** Path under the driver's root, with a leading `/`; accepted back by every method. */
  path: string;
  size: number;
}

/**
 * A storage device. Paths are `/`-separated and resolved under `root`; a leading `/` is
 * optional and `..` segments are rejected. Transfers stream: nothing is held whole in memory.
 */
export interface StorageDriver {
  /** `local`, `s3`, or the name of a driver of your own. */
  readonly kind: string;
  /** The folder (local) or key prefix (S3) every path is resolved under. */
  readonly root: string;
  /** A description safe for logs and messages (no credentials). */
  readonly description: string;

  exists(path: string): Promise<boolean>;
  /** Size in bytes; `not_found` when missing. */
  size(path: string): Promise<number>;
  /** A stream of the content; `not_found` when missing. */
  read(path: string): Promise<Readable>;
  /** Creates or replaces the object. `size` lets a driver avoid buffering when it is known. */
  write(path: string, content: Readable | Buffer, size?: number): Promise<void>;
  /** Copies the object to a local file (parent folders are created). */
  download(path: string, localFile: string): Promise<void>;
  /** Copies a local file to the object. */
  upload(localFile: string, path: string): Promise<void>;
  /** Removes the object; removing a missing object is not an error. */
  delete(path: string): Promise<void>;
  /** Every object whose path starts with `prefix`, sorted by path. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Resolves when the device accepts work (local root writable, bucket answers). */
  checkReady(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export type StorageErrorKind = 'not_found' | 'invalid_path' | 'unavailable' | 'failed';

/** Every driver failure, classified so callers decide without parsing provider messages. */
export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
