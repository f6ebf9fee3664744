import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { StorageDriver } from '../../storage';
import { BuildCacheService } from './build-cache.service';

/** An in-memory device; `failing` makes every transfer throw. */
function fakeStorage(failing = false) {
  const objects = new Map<string, Buffer>();
  const fail = () => {
    throw new Error('device unavailable');
  };
  const storage = {
    exists: (path: string) => Promise.resolve(failing ? fail() : objects.has(path)),
    read: (path: string) => Promise.resolve(failing ? fail() : Readable.from([objects.get(path)!])),
    write: async (path: string, content: Readable) => {
      if (failing) fail();
      objects.set(path, await buffer(content));
    },
  } as unknown as StorageDriver;
  return { storage, objects };
}

describe('BuildCacheService', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'runcell-cache-unit-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('stores the cache under <key>/lz4-b1M/stores.sqfs and restores it', async () => {
    const { storage, objects } = fakeStorage();
    const sut = new BuildCacheService(storage);
    await writeFile(join(folder, 'stores.sqfs'), 'cache-bytes');
    expect(await sut.store('key-1', folder)).toEqual([]);
    expect(objects.get('key-1/lz4-b1M/stores.sqfs')?.toString()).toBe('cache-bytes');

    const restored = await mkdtemp(join(tmpdir(), 'runcell-cache-unit-'));
    try {
      expect(await sut.restore('key-1', restored)).toEqual([]);
      expect(await readFile(join(restored, 'stores.sqfs'), 'utf8')).toBe('cache-bytes');
    } finally {
      await rm(restored, { recursive: true, force: true });
    }
  });

  it('restores nothing for an unknown key and stores nothing without a cache file', async () => {
    const { storage, objects } = fakeStorage();
    const sut = new BuildCacheService(storage);
    expect(await sut.restore('unknown', folder)).toEqual([]);
    expect(await sut.store('unknown', folder)).toEqual([]);
    expect(objects.size).toBe(0);
  });

  it('never follows a symlink the build left in the cache folder', async () => {
    const { storage, objects } = fakeStorage();
    const sut = new BuildCacheService(storage);
    const hostFile = join(folder, 'host-secret');
    await writeFile(hostFile, 'host bytes');
    const cacheFolder = join(folder, 'cache');
    await mkdir(cacheFolder);
    await symlink(hostFile, join(cacheFolder, 'stores.sqfs'));

    const warnings = await sut.store('key-1', cacheFolder);
    expect(warnings.map((entry) => entry.content)).toEqual([
      expect.stringMatching(/Failed to store build cache: .*not a regular file/),
    ]);
    expect(objects.size).toBe(0);

    objects.set('key-1/lz4-b1M/stores.sqfs', Buffer.from('cache-bytes'));
    expect(await sut.restore('key-1', cacheFolder)).toEqual([]);
    expect(await readFile(hostFile, 'utf8')).toBe('host bytes');
    expect((await lstat(join(cacheFolder, 'stores.sqfs'))).isFile()).toBe(true);
  });

  it('turns device failures into warning entries', async () => {
    const sut = new BuildCacheService(fakeStorage(true).storage);
    await writeFile(join(folder, 'stores.sqfs'), 'cache-bytes');
    const warnings = [...(await sut.restore('k', folder)), ...(await sut.store('k', folder))];
    expect(warnings.map((entry) => entry.content)).toEqual([
      '[build cache] Warning: Failed to restore build cache: device unavailable\n',
      '[build cache] Warning: Failed to store build cache: device unavailable\n',
    ]);
    expect(warnings[0].timestamp).toMatch(/\+00:00$/);
  });
});
