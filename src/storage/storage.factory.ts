import { posix } from 'node:path';
import { LocalStorageDriver } from './drivers/local-storage.driver';
import type { S3StorageDriver as S3Driver } from './drivers/s3-storage.driver';
import type { StorageSettings } from '../config';
import { StorageDriver } from './storage-driver';
import { normalizeStoragePath } from './storage-path';

export interface CreateStorageOptions {
  /** Folder (local) or key prefix (S3) every path is resolved under; `/` by default. */
  root?: string;
}

/** The driver for storage settings already parsed and validated by `loadConfig`. */
export function createStorage(
  settings: StorageSettings,
  options: CreateStorageOptions = {},
): StorageDriver {
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
