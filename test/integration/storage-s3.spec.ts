import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveStorageSettings } from '../../src/config';
import { createStorage, StorageDriver } from '../../src/storage';
import { S3Server, startS3Server } from '../support/s3-server';
import {
  ALL_BYTES,
  describeStorageContract,
  readAll,
  sha256OfFile,
} from '../support/storage-contract';

describeStorageContract('S3 (s3rver)', async () => {
  const server = await startS3Server();
  return {
    sut: createStorage(resolveStorageSettings(server.dsn), { root: '/' }),
    cleanup: () => server.stop(),
  };
});

describe('S3 storage driver against s3rver', () => {
  let server: S3Server;
  let workDir: string;

  beforeAll(async () => {
    server = await startS3Server();
    workDir = await mkdtemp(join(tmpdir(), 'runcell-storage-s3-'));
  });

  afterAll(async () => {
    await server.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('keeps each root in its own key prefix of the bucket', async () => {
    const main = createStorage(resolveStorageSettings(server.dsn));
    const cache = createStorage(resolveStorageSettings(server.dsn), { root: '/build-cache' });
    try {
      await cache.write('key-1/lz4-b1M/stores.sqfs', ALL_BYTES);

      expect(await main.list('/build-cache/')).toEqual([
        { path: '/build-cache/key-1/lz4-b1M/stores.sqfs', size: 256 },
      ]);
      expect(await cache.list('/')).toEqual([{ path: '/key-1/lz4-b1M/stores.sqfs', size: 256 }]);
      expect(await readAll(await main.read('/build-cache/key-1/lz4-b1M/stores.sqfs'))).toEqual(
        ALL_BYTES,
      );
    } finally {
      await main.close();
      await cache.close();
    }
  });

  it('unknown credentials are a failure naming the operation, without the secret', async () => {
    const sut = createStorage(
      resolveStorageSettings(server.dsn.replace('S3RVER:S3RVER', 'NOBODY:WrongSecret')),
    );
    try {
      const failure = sut.write('/denied.txt', Buffer.from('x'));
      await expect(failure).rejects.toMatchObject({ kind: 'failed' });
      await expect(failure).rejects.toThrow(/^S3 write of \/denied\.txt failed: /);
      await expect(failure).rejects.not.toThrow(/WrongSecret/);
    } finally {
      await sut.close();
    }
  });

  it('a missing bucket is not ready', async () => {
    const sut = createStorage(
      resolveStorageSettings(server.dsn.replace('/runcell?', '/no-such-bucket?')),
    );
    try {
      await expect(sut.checkReady(2000)).rejects.toThrow('Bucket no-such-bucket not found');
    } finally {
      await sut.close();
    }
  });

  describe('streaming a 200 MiB artifact', () => {
    const SIZE = 200 * 1024 * 1024;
    let sut: StorageDriver;
    let source: string;
    let sourceHash: string;

    beforeAll(async () => {
      sut = createStorage(resolveStorageSettings(server.dsn));
      source = join(workDir, 'artifact.bin');
      sourceHash = await writeGeneratedFile(source, SIZE);
      // Load the SDK's lazily required code before measuring.
      await sut.write('/warm-up.bin', Buffer.from('warm-up'));
      await readAll(await sut.read('/warm-up.bin'));
    });

    afterAll(async () => {
      await sut.close();
    });

    it('uploads and downloads without holding the file in memory', async () => {
      const memory = sampleRss();

      await sut.upload(source, '/builds/artifact.gz');
      const target = join(workDir, 'downloaded', 'code.tar.gz');
      await sut.download('/builds/artifact.gz', target);

      const growth = memory.stop();
      expect(await sut.size('/builds/artifact.gz')).toBe(SIZE);
      expect((await stat(target)).size).toBe(SIZE);
      expect(await sha256OfFile(target)).toBe(sourceHash);
      // Bounded by the multipart buffers (a few parts), not by the file size.
      expect(growth).toBeLessThan(SIZE / 3);
    });
  });
});

/** Writes `size` bytes (a pattern numbered per MiB) through a stream; returns its SHA-256. */
async function writeGeneratedFile(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const chunkSize = 1024 * 1024;
  function* chunks() {
    for (let offset = 0; offset < size; offset += chunkSize) {
      const chunk = Buffer.alloc(Math.min(chunkSize, size - offset), offset % 251);
      chunk.writeUInt32BE(offset / chunkSize, 0);
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
  return hash.digest('hex');
}

/** Highest resident set size seen until `stop()`, minus the size at the start. */
function sampleRss(): { stop: () => number } {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak - baseline;
    },
  };
}
