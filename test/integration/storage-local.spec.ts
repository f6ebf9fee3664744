import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStorageSettings } from '../../src/config';
import { createStorage } from '../../src/storage';
import { describeStorageContract } from '../support/storage-contract';

describeStorageContract('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'runcell-storage-local-'));
  return {
    sut: createStorage(resolveStorageSettings('local://localhost'), { root }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('local storage layout on the host', () => {
  let base: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'runcell-storage-layout-'));
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('rooted at / reads and writes absolute host paths as they are', async () => {
    const sut = createStorage(resolveStorageSettings(''), { root: '/' });
    await sut.write(join(base, 'functions', 'code.tar.gz'), Buffer.from('source'));
    expect(await readFile(join(base, 'functions', 'code.tar.gz'), 'utf8')).toBe('source');
    await expect(sut.checkReady(1000)).resolves.toBeUndefined();
  });

  it('a file:// DSN with a folder puts the root under that folder', async () => {
    const sut = createStorage(resolveStorageSettings(`file://${base}`), { root: '/build-cache' });
    await sut.write('key/lz4-b1M/stores.sqfs', Buffer.from('cache'));
    expect(await readFile(join(base, 'build-cache', 'key', 'lz4-b1M', 'stores.sqfs'), 'utf8')).toBe(
      'cache',
    );
    expect(sut.root).toBe(join(base, 'build-cache'));
  });

  it('is ready when the root does not exist yet but could be created', async () => {
    const sut = createStorage(resolveStorageSettings(`file://${base}/not/yet/there`), {});
    await expect(sut.checkReady(1000)).resolves.toBeUndefined();
  });

  it('is not ready when the root sits under a regular file', async () => {
    await writeFile(join(base, 'plain-file'), 'x');
    const sut = createStorage(resolveStorageSettings(`file://${base}/plain-file/storage`), {});
    const failure = sut.checkReady(1000);
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(failure).rejects.toThrow(`${join(base, 'plain-file')} is not a folder`);
  });
});
