import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigModule,
  InvalidConfigError,
  resolveStorageSettings,
  RuncellConfig,
  S3StorageSettings,
} from '../../src/config';
import {
  BUILD_CACHE_STORAGE,
  STORAGE,
  StorageDriver,
  StorageHealthIndicator,
  StorageModule,
} from '../../src/storage';
import { S3Server, startS3Server } from '../support/s3-server';
import { testConfig } from '../support/test-app';

/** A test configuration with these storage variables instead of any from the environment. */
function configWithStorage(storage: {
  dsn?: string;
  buildCacheDsn?: string;
  legacy?: Record<string, string>;
}): RuncellConfig {
  const unset = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => /^(URT|OPR_EXECUTOR)_CONNECTION_|^OPR_EXECUTOR_STORAGE_/.test(name))
      .map((name) => [name, undefined]),
  );
  return testConfig({
    ...unset,
    URT_CONNECTION_STORAGE: storage.dsn,
    URT_CONNECTION_BUILD_CACHE_STORAGE: storage.buildCacheDsn,
    ...storage.legacy,
  });
}

async function bootStorage(config: RuncellConfig) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), StorageModule.forRoot()],
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
  ])('refuses a configuration with storage DSN %s', (dsn, problem) => {
    const load = () => configWithStorage({ dsn });
    expect(load).toThrow(InvalidConfigError);
    expect(load).toThrow(`URT_CONNECTION_STORAGE / OPR_EXECUTOR_CONNECTION_STORAGE: ${problem}`);
    expect(load).not.toThrow('TopSecret');
  });

  it('refuses a bad build-cache DSN even when the main one is fine', () => {
    expect(() => configWithStorage({ dsn: server.dsn, buildCacheDsn: 'nope://x' })).toThrow(
      'URT_CONNECTION_BUILD_CACHE_STORAGE / OPR_EXECUTOR_CONNECTION_BUILD_CACHE_STORAGE: unknown scheme "nope"',
    );
  });

  it('refuses incomplete legacy S3 variables', () => {
    const legacy = { OPR_EXECUTOR_STORAGE_DEVICE: 's3', OPR_EXECUTOR_STORAGE_S3_BUCKET: 'b' };
    expect(() => configWithStorage({ legacy })).toThrow(
      'OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY is required when OPR_EXECUTOR_STORAGE_DEVICE=s3',
    );
  });

  it('boots the drivers the legacy S3 variables describe', async () => {
    const settings = resolveStorageSettings(server.dsn) as S3StorageSettings;
    const moduleRef = await bootStorage(
      configWithStorage({
        legacy: {
          OPR_EXECUTOR_STORAGE_DEVICE: 's3',
          OPR_EXECUTOR_STORAGE_S3_ACCESS_KEY: settings.accessKeyId,
          OPR_EXECUTOR_STORAGE_S3_SECRET: settings.secretAccessKey,
          OPR_EXECUTOR_STORAGE_S3_BUCKET: settings.bucket,
          OPR_EXECUTOR_STORAGE_S3_ENDPOINT: settings.endpoint ?? '',
        },
      }),
    );
    const sut = moduleRef.get<StorageDriver>(STORAGE);
    await sut.write('legacy/file.txt', Buffer.from('legacy'));
    expect(sut.kind).toBe('s3');
    expect(await sut.exists('/legacy/file.txt')).toBe(true);
    await moduleRef.close();
  });

  it('the build cache uses the main DSN rooted at /build-cache unless it has its own', async () => {
    const shared = await bootStorage(configWithStorage({ dsn: server.dsn }));
    const main = shared.get<StorageDriver>(STORAGE);
    const cache = shared.get<StorageDriver>(BUILD_CACHE_STORAGE);
    expect([main.kind, main.root]).toEqual(['s3', '/']);
    expect([cache.kind, cache.root]).toEqual(['s3', '/build-cache']);
    await cache.write('key/lz4-b1M/stores.sqfs', Buffer.from('cache'));
    expect(await main.exists('/build-cache/key/lz4-b1M/stores.sqfs')).toBe(true);
    await shared.close();

    const separate = await bootStorage(configWithStorage({ buildCacheDsn: server.dsn }));
    expect(separate.get<StorageDriver>(STORAGE).kind).toBe('local');
    expect(separate.get<StorageDriver>(BUILD_CACHE_STORAGE).kind).toBe('s3');
    await separate.close();
  });

  describe('readiness indicator', () => {
    it('is up when the local root is writable and the bucket answers', async () => {
      const moduleRef = await bootStorage(configWithStorage({ buildCacheDsn: server.dsn }));
      const sut = moduleRef.get(StorageHealthIndicator);
      await expect(sut.check('storage', 1500)).resolves.toEqual({ storage: { status: 'up' } });
      await moduleRef.close();
    });

    it('is down, naming the folder, when the local root cannot be written', async () => {
      const base = await mkdtemp(join(tmpdir(), 'runcell-storage-health-'));
      await writeFile(join(base, 'plain-file'), 'x');
      const moduleRef = await bootStorage(
        configWithStorage({ dsn: `file://${base}/plain-file/storage` }),
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
      const moduleRef = await bootStorage(configWithStorage({ dsn: stopping.dsn }));
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
