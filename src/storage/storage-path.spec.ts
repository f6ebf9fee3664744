import { joinStoragePath, listPrefix, normalizeStoragePath } from './storage-path';

describe('storage paths', () => {
  it.each([
    ['a/b.txt', '/a/b.txt'],
    ['/a//b.txt', '/a/b.txt'],
    ['./a/./b.txt', '/a/b.txt'],
    ['/a/b/', '/a/b'],
  ])('normalizes %s to %s', (path, expected) => {
    expect(normalizeStoragePath(path)).toBe(expected);
  });

  it.each(['../x', '/a/../../x', 'a/..', '/', '', 'a\0b'])('rejects %j', (path) => {
    expect(() => normalizeStoragePath(path)).toThrow(
      expect.objectContaining({ kind: 'invalid_path' }),
    );
  });

  it('accepts the root itself only when asked', () => {
    expect(normalizeStoragePath('/', true)).toBe('/');
  });

  it('joins under a root and keeps a folder prefix distinct from a name prefix', () => {
    expect(joinStoragePath('/build-cache', 'key/stores.sqfs')).toBe('/build-cache/key/stores.sqfs');
    expect(listPrefix('a/b/')).toBe('/a/b/');
    expect(listPrefix('a/b')).toBe('/a/b');
    expect(listPrefix('')).toBe('/');
  });
});
