import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageDriver } from '../../src/storage';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every byte value, so any text conversion on the way shows up. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, index) => index));

/** The behaviour every `StorageDriver` promises, run against a real device. */
export function describeStorageContract(
  name: string,
  createDriver: () => Promise<{ sut: StorageDriver; cleanup: () => Promise<void> }>,
): void {
  describe(`${name} storage driver`, () => {
    let sut: StorageDriver;
    let cleanup: () => Promise<void>;
    let workDir: string;

    beforeAll(async () => {
      ({ sut, cleanup } = await createDriver());
      workDir = await mkdtemp(join(tmpdir(), 'runcell-storage-work-'));
    });

    afterAll(async () => {
      await sut.close();
      await cleanup();
      await rm(workDir, { recursive: true, force: true });
    });

    it('writes a buffer and reads back the exact bytes', async () => {
      await sut.write('/functions/app/code.tar.gz', ALL_BYTES);

      expect(await sut.exists('/functions/app/code.tar.gz')).toBe(true);
      expect(await sut.size('functions/app/code.tar.gz')).toBe(256);
      expect(await readAll(await sut.read('/functions/app/code.tar.gz'))).toEqual(ALL_BYTES);
    });

    it('replaces an existing object', async () => {
      await sut.write('/replaced.bin', Buffer.from('first version'));
      await sut.write('/replaced.bin', Buffer.from('v2'));
      expect((await readAll(await sut.read('/replaced.bin'))).toString()).toBe('v2');
    });

    it('reports a missing object as not_found', async () => {
      expect(await sut.exists('/nothing/here.bin')).toBe(false);
      await expect(sut.size('/nothing/here.bin')).rejects.toMatchObject({ kind: 'not_found' });
      await expect(sut.read('/nothing/here.bin')).rejects.toMatchObject({ kind: 'not_found' });
      await expect(sut.download('/nothing/here.bin', join(workDir, 'x'))).rejects.toMatchObject({
        kind: 'not_found',
      });
    });

    it('writes a stream of unknown length larger than one multipart part', async () => {
      const content = randomBytes(19 * 1024 * 1024 + 7);
      const chunks = Array.from({ length: Math.ceil(content.length / 65536) }, (_, index) =>
        content.subarray(index * 65536, (index + 1) * 65536),
      );
      await sut.write('/streams/big.bin', Readable.from(chunks));

      expect(await sut.size('/streams/big.bin')).toBe(content.length);
      const back = await readAll(await sut.read('/streams/big.bin'));
      expect(createHash('sha256').update(back).digest('hex')).toBe(
        createHash('sha256').update(content).digest('hex'),
      );
    });

    it('uploads a local file and downloads it byte for byte into new folders', async () => {
      const source = join(workDir, 'artifact.tar.gz');
      await writeFile(source, Buffer.concat([ALL_BYTES, randomBytes(300_000), ALL_BYTES]));
      await sut.upload(source, '/builds/app/deployment.gz');

      const target = join(workDir, 'runtime', 'src', 'code.tar.gz');
      await sut.download('/builds/app/deployment.gz', target);
      expect(await readFile(target)).toEqual(await readFile(source));
    });

    it('lists objects under a prefix with their sizes, sorted', async () => {
      await sut.write('/list/a/one.txt', Buffer.from('1'));
      await sut.write('/list/a/deeper/two.txt', Buffer.from('22'));
      await sut.write('/list/ab.txt', Buffer.from('333'));
      await sut.write('/list-other.txt', Buffer.from('4444'));

      expect(await sut.list('/list/a')).toEqual([
        { path: '/list/a/deeper/two.txt', size: 2 },
        { path: '/list/a/one.txt', size: 1 },
        { path: '/list/ab.txt', size: 3 },
      ]);
      expect(await sut.list('/list/a/')).toEqual([
        { path: '/list/a/deeper/two.txt', size: 2 },
        { path: '/list/a/one.txt', size: 1 },
      ]);
      expect(await sut.list('/list/none/')).toEqual([]);
    });

    it('deletes an object, and deleting a missing one is not an error', async () => {
      await sut.write('/doomed.txt', Buffer.from('bye'));
      await sut.delete('/doomed.txt');
      expect(await sut.exists('/doomed.txt')).toBe(false);
      await expect(sut.delete('/doomed.txt')).resolves.toBeUndefined();
    });

    it('rejects paths that climb out of the root or name the root itself', async () => {
      await expect(sut.write('../escape.txt', Buffer.from('x'))).rejects.toMatchObject({
        kind: 'invalid_path',
      });
      await expect(sut.read('/a/../../etc/passwd')).rejects.toMatchObject({
        kind: 'invalid_path',
      });
      await expect(sut.exists('/')).rejects.toMatchObject({ kind: 'invalid_path' });
    });

    it('is ready', async () => {
      await expect(sut.checkReady(2000)).resolves.toBeUndefined();
    });
  });
}
