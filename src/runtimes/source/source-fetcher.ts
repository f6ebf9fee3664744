import { Injectable } from '@nestjs/common';
import { copyFile } from 'node:fs/promises';

/** Token of the provider that brings a runtime's code archive to the executor's work folder. */
export const SOURCE_FETCHER = Symbol('SOURCE_FETCHER');

/** Copies a source archive from the storage device to a local file. */
export interface SourceFetcher {
  fetch(sourcePath: string, localFile: string): Promise<void>;
}

/** The local storage device: `source` is an absolute path on this machine. */
@Injectable()
export class LocalSourceFetcher implements SourceFetcher {
  async fetch(sourcePath: string, localFile: string): Promise<void> {
    await copyFile(sourcePath, localFile);
  }
}
