import { Inject, Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_CACHE_STORAGE, StorageDriver } from '../../storage';
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
        await this.storage.download(artifactPath(cacheKey), join(cacheFolder, CACHE_FILE));
      }
      return [];
    } catch (error) {
      return [warning(`Failed to restore build cache: ${(error as Error).message}`)];
    }
  }

  async store(cacheKey: string, cacheFolder: string): Promise<BuildLogEntry[]> {
    const local = join(cacheFolder, CACHE_FILE);
    if (!existsSync(local)) return [];
    try {
      await this.storage.upload(local, artifactPath(cacheKey));
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
