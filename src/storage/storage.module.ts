import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONFIG, RuncellConfig } from '../config';
import { BUILD_CACHE_STORAGE, STORAGE, StorageDriver } from './storage-driver';
import { createStorage } from './storage.factory';
import { StorageHealthIndicator } from './storage.health';

/** Root of the build-cache device (§3.6 of the executor contract). */
export const BUILD_CACHE_ROOT = '/build-cache';

/**
 * The storage devices, from the settings `loadConfig` parsed and validated (a bad DSN refuses
 * the configuration, so the process does not boot with a storage it cannot use).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: STORAGE,
      inject: [CONFIG],
      useFactory: (config: RuncellConfig) => createStorage(config.storage.files),
    },
    {
      provide: BUILD_CACHE_STORAGE,
      inject: [CONFIG],
      useFactory: (config: RuncellConfig) =>
        createStorage(config.storage.buildCache, { root: BUILD_CACHE_ROOT }),
    },
    StorageHealthIndicator,
  ],
  exports: [STORAGE, BUILD_CACHE_STORAGE, StorageHealthIndicator],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(BUILD_CACHE_STORAGE) private readonly buildCache: StorageDriver,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.storage.close(), this.buildCache.close()]);
  }
}
