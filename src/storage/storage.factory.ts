import { posix } from 'node:path';
import { LocalStorageDriver } from './drivers/local-storage.driver';
import type { S3StorageDriver as S3Driver } from './drivers/s3-storage.driver';
import { StorageDriver } from './storage-driver';
import { normalizeStoragePath } from './storage-path';
import { resolveStorageSettings, STORAGE_DSN_VARIABLE } from './storage-settings';

export interface CreateStorageOptions {
  /** Folder (local) or key prefix (S3) every path is resolved under; `/` by default. */
  root?: string;
  /** The variable the DSN came from, named in error messages. */
  variable?: string;
}

/**
 * The driver a DSN asks for (local when both the DSN and the legacy variables are empty).
 * Throws `StorageConfigError` for a bad DSN; it never falls back to local storage.
 */
export function createStorage(
  dsn: string,
  legacy: Readonly<Record<string, string>>,
  options: CreateStorageOptions = {},
): StorageDriver {
  const settings = resolveStorageSettings(dsn, legacy, options.variable ?? STORAGE_DSN_VARIABLE);
  const root = normalizeStoragePath(options.root ?? '/', true);
  if (settings.kind === 'local') {
    return new LocalStorageDriver(posix.join(settings.baseDir, root));
  }
  return new (loadS3Driver())(settings, root);
}

/** The AWS SDK is large (tens of MiB resident): it is loaded only when S3 storage is configured. */
function loadS3Driver(): typeof S3Driver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./drivers/s3-storage.driver') as { S3StorageDriver: typeof S3Driver })
    .S3StorageDriver;
}
