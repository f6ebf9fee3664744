import { parseUrlEncodedForm, splitFormName } from './php-form';

describe('PHP-style form parsing', () => {
  it('splits bracket names', () => {
    expect(splitFormName('a')).toEqual(['a']);
    expect(splitFormName('a[b][c]')).toEqual(['a', 'b', 'c']);
    expect(splitFormName('a[]')).toEqual(['a', null]);
    expect(splitFormName('[x]')).toEqual(['[x]']);
  });

  it('nests bracket keys, appends lists, keeps the last plain value, and decodes', () => {
    const sut = parseUrlEncodedForm(
      'variables[KEY]=v&variables%5BOTHER%5D=a+b&list[]=1&list[]=2&x=1&x=2&e=%C3%A9&bad=%E0%A4%A',
    );
    expect(sut).toEqual({
      variables: { KEY: 'v', OTHER: 'a b' },
      list: ['1', '2'],
      x: '2',
      e: 'é',
      bad: expect.any(String),
    });
  });

  it('ignores prototype keys', () => {
    const sut = parseUrlEncodedForm('__proto__[polluted]=1&constructor[x]=1&ok=1');
    expect(sut).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
