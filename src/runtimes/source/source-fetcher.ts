import { Inject, Injectable } from '@nestjs/common';
import { STORAGE, StorageDriver } from '../../storage';

/** Token of the provider that brings a runtime's code archive to the executor's work folder. */
export const SOURCE_FETCHER = Symbol('SOURCE_FETCHER');

/** Copies a source archive from the storage device to a local file. */
export interface SourceFetcher {
  fetch(sourcePath: string, localFile: string): Promise<void>;
}

/** Reads `source` from the storage device (`STORAGE`, rooted at `/`: a full path). */
@Injectable()
export class StorageSourceFetcher implements SourceFetcher {
  constructor(@Inject(STORAGE) private readonly storage: StorageDriver) {}

  async fetch(sourcePath: string, localFile: string): Promise<void> {
    await this.storage.download(sourcePath, localFile);
  }
}
