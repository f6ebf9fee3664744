import { Inject, Injectable } from '@nestjs/common';
import { STORAGE, StorageDriver } from '../../storage';
import { writeRuntimeFile } from '../containers/runtime-files';

/** Token of the provider that brings a runtime's code archive to the executor's work folder. */
export const SOURCE_FETCHER = Symbol('SOURCE_FETCHER');

/** Copies a source archive from the storage device to a file in a runtime's work folder. */
export interface SourceFetcher {
  fetch(sourcePath: string, localFile: string): Promise<void>;
}

/**
 * Reads `source` from the storage device (`STORAGE`, rooted at `/`: a full path) into a fresh
 * temporary file renamed over `localFile`, never writing through what is at `localFile`.
 */
@Injectable()
export class StorageSourceFetcher implements SourceFetcher {
  constructor(@Inject(STORAGE) private readonly storage: StorageDriver) {}

  async fetch(sourcePath: string, localFile: string): Promise<void> {
    await writeRuntimeFile(localFile, await this.storage.read(sourcePath));
  }
}
