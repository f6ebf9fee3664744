import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveStorageSettings } from '../../src/config';
import { createStorage, StorageDriver } from '../../src/storage';
import {
  executorCall,
  ExecutorHarness,
  functionArchive,
  removeArchive,
  startExecutorHarness,
  V5_START,
} from '../support/executor-harness';
import { S3Server, startS3Server } from '../support/s3-server';

const IMAGE = 'runcell/node:v5';

describe('OpenRuntimes /v1 builds through S3 storage (e2e)', () => {
  let server: S3Server;
  let bucket: StorageDriver;
  let sut: ExecutorHarness;
  let archive: string;

  beforeAll(async () => {
    server = await startS3Server();
    bucket = createStorage(resolveStorageSettings(server.dsn), { root: '/' });
    sut = await startExecutorHarness({ URT_CONNECTION_STORAGE: server.dsn });
    archive = functionArchive({
      'index.js': readFileSync(join(__dirname, '../fixtures/v5-function.js'), 'utf8'),
    });
    await bucket.upload(archive, 'sources/fn/code.tar.gz');
  });

  afterAll(async () => {
    await sut.close();
    await bucket.close();
    await server.stop();
    removeArchive(archive);
    expect(await sut.containers()).toEqual([]);
  });

  const call = (method: string, path: string, json?: unknown) =>
    executorCall(sut.baseUrl, method, path, json === undefined ? {} : { json });

  it('builds from a bucket source into a bucket destination, and the artifact runs', async () => {
    const built = await call('POST', '/v1/runtimes', {
      runtimeId: 's3-build',
      image: IMAGE,
      source: '/sources/fn/code.tar.gz',
      destination: '/artifacts/fn',
      entrypoint: 'index.js',
      command: 'tar -zxf /tmp/code.tar.gz -C /mnt/code && bash helpers/build.sh "true"',
      remove: true,
    });
    expect(built.status).toBe(201);
    const { path, size } = built.json<{ path: string; size: number }>();
    expect(path).toMatch(/^\/artifacts\/fn\/[0-9a-f]{13}\.gz$/);
    expect(await bucket.size(path)).toBe(size);

    const started = await call('POST', '/v1/runtimes', {
      runtimeId: 's3-run',
      image: IMAGE,
      source: path,
      entrypoint: 'index.js',
      runtimeEntrypoint: V5_START,
    });
    expect(started.status).toBe(201);
    const execution = await call('POST', '/v1/runtimes/s3-run/executions', { path: '/' });
    expect(execution.status).toBe(200);
    expect((await call('DELETE', '/v1/runtimes/s3-run')).status).toBe(200);
  });

  it('answers 500 for a source missing from the bucket', async () => {
    const response = await call('POST', '/v1/runtimes', {
      runtimeId: 's3-missing',
      image: IMAGE,
      source: '/sources/none/code.tar.gz',
      command: 'true',
    });
    expect(response.status).toBe(500);
    expect(response.json<{ message: string }>().message).toBe(
      'Failed to copy source code to temporary directory',
    );
  });
});
