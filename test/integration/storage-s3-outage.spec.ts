import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStorageSettings } from '../../src/config';
import { createStorage, StorageDriver } from '../../src/storage';
import { startS3Server } from '../support/s3-server';

/** What callers of the S3 driver see while the S3 service is down (here: stopped). */
describe('S3 storage driver while S3 is down', () => {
  let sut: StorageDriver;
  let workDir: string;

  beforeAll(async () => {
    const server = await startS3Server();
    sut = createStorage(resolveStorageSettings(server.dsn));
    await sut.write('/kept.txt', Buffer.from('kept'));
    await server.stop();
    workDir = await mkdtemp(join(tmpdir(), 'runcell-s3-outage-'));
  });

  afterAll(async () => {
    await sut.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it.each([
    ['write', 'write of /a.txt', () => sut.write('/a.txt', Buffer.from('x'))],
    ['read', 'read of /kept.txt', () => sut.read('/kept.txt')],
    ['list', 'list of /', () => sut.list('/')],
    ['delete', 'delete of /kept.txt', () => sut.delete('/kept.txt')],
  ])('%s fails as unavailable, naming the operation and path', async (_name, what, operation) => {
    const failure = operation();
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(failure).rejects.toThrow(`S3 ${what} failed: `);
    await expect(failure).rejects.not.toThrow(/S3RVER/);
  });

  it('upload fails as unavailable', async () => {
    const local = join(workDir, 'local.txt');
    await writeFile(local, 'local');
    await expect(sut.upload(local, '/uploaded.txt')).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/^S3 upload of \/uploaded\.txt failed: /),
    });
  });

  it('download fails as unavailable and writes nothing locally', async () => {
    const target = join(workDir, 'downloads', 'kept.txt');
    await expect(sut.download('/kept.txt', target)).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(readdir(join(workDir, 'downloads'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is not ready, saying the service did not answer', async () => {
    await expect(sut.checkReady(2000)).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('did not answer'),
    });
  });
});
