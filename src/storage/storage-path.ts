import { posix } from 'node:path';
import { StorageError } from './storage-driver';

/**
 * The canonical form of a storage path: leading `/`, no empty or `.` segments. Rejects `..`
 * (a path must never leave the driver's root), NUL bytes and, unless `allowRoot`, the root itself.
 */
export function normalizeStoragePath(path: string, allowRoot = false): string {
  if (path.includes('\0'))
    throw new StorageError('invalid_path', 'Storage path contains a NUL byte');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new StorageError('invalid_path', `Storage path must not contain "..": ${path}`);
  }
  if (segments.length === 0 && !allowRoot) {
    throw new StorageError('invalid_path', 'Storage path must name a file, not the root');
  }
  return `/${segments.join('/')}`;
}

/** `root` joined with a normalized `path`. */
export function joinStoragePath(root: string, path: string): string {
  return posix.join(root, normalizeStoragePath(path, true));
}

/** A list prefix in canonical form; a trailing `/` is kept (it limits the match to a folder). */
export function listPrefix(prefix: string): string {
  const normalized = normalizeStoragePath(prefix, true);
  return prefix.endsWith('/') && normalized !== '/' ? `${normalized}/` : normalized;
}

export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
