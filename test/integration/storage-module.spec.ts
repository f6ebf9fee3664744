import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule, RuncellConfig } from '../../src/config';
import {
  BUILD_CACHE_STORAGE,
  STORAGE,
  StorageDriver,
  StorageHealthIndicator,
  StorageModule,
} from '../../src/storage';
import { S3Server, startS3Server } from '../support/s3-server';
import { testConfig } from '../support/test-app';

/** A valid configuration whose storage settings are then replaced, bypassing loadConfig. */
function configWithStorage(storage: Partial<RuncellConfig['executor']>): RuncellConfig {
  const config = testConfig();
  return { ...config, executor: { ...config.executor, ...storage } };
}

async function bootStorage(config: RuncellConfig) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), StorageModule],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('StorageModule', () => {
  let server: S3Server;

  beforeAll(async () => {
    server = await startS3Server();
  });

  afterAll(async () => {
    await server.stop();
  });

  it.each([
    ['ftp://key:TopSecret@host/bucket', 'unknown scheme "ftp"'],
    ['s3://key:TopSecret@minio:9000', 'the bucket is missing'],
    ['s3://minio:9000/bucket', 'credentials are missing'],
    ['definitely not a dsn', 'is not a DSN'],
  ])('refuses to boot with storage DSN %s', async (dsn, problem) => {
    const boot = bootStorage(configWithStorage({ connectionStorage: dsn }));
    await expect(boot).rejects.toThrow(
      `URT_CONNECTION_STORAGE / OPR_EXECUTOR_CONNECTION_STORAGE: ${problem}`,
    );
    await expect(boot).rejects.not.toThrow('TopSecret');
  });

  it('refuses to boot with a bad build-cache DSN even when the main one is fine', async () => {
    const boot = bootStorage(
      configWithStorage({ connectionStorage: server.dsn, connectionBuildCacheStorage: 'nope://x' }),
    );
    await expect(boot).rejects.toThrow(
      'URT_CONNECTION_BUILD_CACHE_STORAGE / OPR_EXECUTOR_CONNECTION_BUILD_CACHE_STORAGE: unknown scheme "nope"',
    );
  });

  it('refuses to boot with incomplete legacy S3 variables', async () => {
    const boot = bootStorage(
      configWithStorage({
        connectionStorage: '',
        legacyStorage: { OPR_EXECUTOR_STORAGE_DEVICE: 's3', OPR_EXECUTOR_STORAGE_S3_BUCKET: 'b' },
      }),
    );
    await expect(boot).rejects.toThrow(
      'OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY is required when OPR_EXECUTOR_STORAGE_DEVICE=s3',
    );
  });

  it('the build cache uses the main DSN rooted at /build-cache unless it has its own', async () => {
    const shared = await bootStorage(configWithStorage({ connectionStorage: server.dsn }));
    const main = shared.get<StorageDriver>(STORAGE);
    const cache = shared.get<StorageDriver>(BUILD_CACHE_STORAGE);
    expect([main.kind, main.root]).toEqual(['s3', '/']);
    expect([cache.kind, cache.root]).toEqual(['s3', '/build-cache']);
    await cache.write('key/lz4-b1M/stores.sqfs', Buffer.from('cache'));
    expect(await main.exists('/build-cache/key/lz4-b1M/stores.sqfs')).toBe(true);
    await shared.close();

    const separate = await bootStorage(
      configWithStorage({ connectionStorage: '', connectionBuildCacheStorage: server.dsn }),
    );
    expect(separate.get<StorageDriver>(STORAGE).kind).toBe('local');
    expect(separate.get<StorageDriver>(BUILD_CACHE_STORAGE).kind).toBe('s3');
    await separate.close();
  });

  describe('readiness indicator', () => {
    it('is up when the local root is writable and the bucket answers', async () => {
      const moduleRef = await bootStorage(
        configWithStorage({ connectionBuildCacheStorage: server.dsn }),
      );
      const sut = moduleRef.get(StorageHealthIndicator);
      await expect(sut.check('storage', 1500)).resolves.toEqual({ storage: { status: 'up' } });
      await moduleRef.close();
    });

    it('is down, naming the folder, when the local root cannot be written', async () => {
      const base = await mkdtemp(join(tmpdir(), 'runcell-storage-health-'));
      await writeFile(join(base, 'plain-file'), 'x');
      const moduleRef = await bootStorage(
        configWithStorage({ connectionStorage: `file://${base}/plain-file/storage` }),
      );
      const sut = moduleRef.get(StorageHealthIndicator);
      await expect(sut.check('storage', 1500)).resolves.toEqual({
        storage: { status: 'down', message: expect.stringContaining('plain-file is not a folder') },
      });
      await moduleRef.close();
      await rm(base, { recursive: true, force: true });
    });

    it('is down when the S3 server has stopped', async () => {
      const stopping = await startS3Server();
      const moduleRef = await bootStorage(configWithStorage({ connectionStorage: stopping.dsn }));
      const sut = moduleRef.get(StorageHealthIndicator);
      await expect(sut.check('storage', 1500)).resolves.toEqual({ storage: { status: 'up' } });

      await stopping.stop();

      const result = await sut.check('storage', 1500);
      expect(result.storage.status).toBe('down');
      expect(result.storage.message).toContain(
        `s3://127.0.0.1:${stopping.port}/runcell did not answer: Error: connect ECONNREFUSED`,
      );
      expect(result.storage.message).not.toContain('S3RVER:S3RVER');
      await moduleRef.close();
    });
  });
});
