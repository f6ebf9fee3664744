import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { BUILD_CACHE_STORAGE, StorageDriver } from '../../storage';
import { openRuntimeFile, streamRuntimeFile, writeRuntimeFile } from '../containers/runtime-files';
import { BuildLogEntry, formatTimestamp } from './build-output';

const CACHE_FILE = 'stores.sqfs';

/**
 * The build cache (§3.6): `<cacheKey>/lz4-b1M/stores.sqfs` on the build-cache device, restored
 * into the runtime's cache folder before a build and stored back after a successful one.
 * Failures become warning entries and never fail the build.
 */
@Injectable()
export class BuildCacheService {
  constructor(@Inject(BUILD_CACHE_STORAGE) private readonly storage: StorageDriver) {}

  async restore(cacheKey: string, cacheFolder: string): Promise<BuildLogEntry[]> {
    try {
      if (await this.storage.exists(artifactPath(cacheKey))) {
        const archive = await this.storage.read(artifactPath(cacheKey));
        await writeRuntimeFile(join(cacheFolder, CACHE_FILE), archive);
      }
      return [];
    } catch (error) {
      return [warning(`Failed to restore build cache: ${(error as Error).message}`)];
    }
  }

  async store(cacheKey: string, cacheFolder: string): Promise<BuildLogEntry[]> {
    try {
      // The build wrote the cache folder: open its archive without following or blocking.
      const archive = await openRuntimeFile(join(cacheFolder, CACHE_FILE));
      if (!archive) return [];
      try {
        await this.storage.write(artifactPath(cacheKey), streamRuntimeFile(archive), archive.size);
      } finally {
        await archive.handle.close().catch(() => undefined);
      }
      return [];
    } catch (error) {
      return [warning(`Failed to store build cache: ${(error as Error).message}`)];
    }
  }
}

function artifactPath(cacheKey: string): string {
  return `${cacheKey}/lz4-b1M/${CACHE_FILE}`;
}

function warning(message: string): BuildLogEntry {
  return { timestamp: formatTimestamp(Date.now()), content: `[build cache] Warning: ${message}\n` };
}
