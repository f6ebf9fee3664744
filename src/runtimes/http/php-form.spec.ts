import { ExecutorError } from './executor-error';
import { FORM_LIMITS, parseUrlEncodedForm, splitFormName } from './php-form';

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

  it('appends after the largest integer key, like PHP, and keeps mixed keys as a map', () => {
    expect(parseUrlEncodedForm('a[x]=1&a[]=2&a[]=3')).toEqual({ a: { x: '1', 0: '2', 1: '3' } });
    expect(parseUrlEncodedForm('a[5]=1&a[]=2')).toEqual({ a: { 5: '1', 6: '2' } });
    expect(parseUrlEncodedForm('a[0]=1&a[]=2')).toEqual({ a: ['1', '2'] });
    expect(parseUrlEncodedForm('a[]=1&a[999999999]=2')).toEqual({ a: { 0: '1', 999999999: '2' } });
  });

  it('drops a name nested deeper than the limit, as PHP does', () => {
    const deep = `a${'[b]'.repeat(FORM_LIMITS.maxDepth + 1)}`;
    expect(splitFormName(deep)).toBeNull();
    expect(parseUrlEncodedForm(`${deep}=1&ok=1`)).toEqual({ ok: '1' });
    const deepest = `a${'[b]'.repeat(FORM_LIMITS.maxDepth)}`;
    expect(splitFormName(deepest)).toHaveLength(FORM_LIMITS.maxDepth + 1);
  });

  it('refuses more fields than the limit with a 400', () => {
    const text = 'a[]=&'.repeat(FORM_LIMITS.maxFields + 1);
    expect(() => parseUrlEncodedForm(text)).toThrow(ExecutorError);
    expect(() => parseUrlEncodedForm(text)).toThrow(/Too many form fields/);
    expect(parseUrlEncodedForm('a[]=&'.repeat(FORM_LIMITS.maxFields)).a).toHaveLength(
      FORM_LIMITS.maxFields,
    );
  });
});
