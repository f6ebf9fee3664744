import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONFIG, RuncellConfig } from '../config';
import { BUILD_CACHE_STORAGE, STORAGE, StorageDriver } from './storage-driver';
import { createStorage } from './storage.factory';
import { StorageHealthIndicator } from './storage.health';

/** Root of the build-cache device (§3.6 of the executor contract). */
export const BUILD_CACHE_ROOT = '/build-cache';

/** Drivers used instead of those the storage settings describe (`AppOptions.storage`). */
export interface StorageDrivers {
  /** The main device (`STORAGE`): build sources and outputs. */
  files?: StorageDriver;
  /** The build-cache device (`BUILD_CACHE_STORAGE`). */
  buildCache?: StorageDriver;
}

/**
 * The storage devices: those given to `forRoot`, else the drivers of the settings `loadConfig`
 * parsed and validated (a bad DSN refuses the configuration, so the process does not boot with
 * a storage it cannot use). Both are closed when the application shuts down.
 */
@Global()
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    @Inject(BUILD_CACHE_STORAGE) private readonly buildCache: StorageDriver,
  ) {}

  static forRoot(drivers: StorageDrivers = {}): DynamicModule {
    return {
      module: StorageModule,
      imports: [TerminusModule],
      providers: [
        drivers.files
          ? { provide: STORAGE, useValue: drivers.files }
          : {
              provide: STORAGE,
              inject: [CONFIG],
              useFactory: (config: RuncellConfig) => createStorage(config.storage.files),
            },
        drivers.buildCache
          ? { provide: BUILD_CACHE_STORAGE, useValue: drivers.buildCache }
          : {
              provide: BUILD_CACHE_STORAGE,
              inject: [CONFIG],
              useFactory: (config: RuncellConfig) =>
                createStorage(config.storage.buildCache, { root: BUILD_CACHE_ROOT }),
            },
        StorageHealthIndicator,
      ],
      exports: [STORAGE, BUILD_CACHE_STORAGE, StorageHealthIndicator],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.storage.close(), this.buildCache.close()]);
  }
}
