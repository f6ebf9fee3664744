import { parseLenientJson } from './lenient-json';

const parse = (text: string) => parseLenientJson(Buffer.from(text, 'utf8'));

describe('parseLenientJson', () => {
  it('parses an object body', () => {
    expect(parse('{"path":"/","headers":{"a":"1"},"timeout":30}')).toEqual({
      path: '/',
      headers: { a: '1' },
      timeout: 30,
    });
  });

  it('answers {} for an empty, invalid, array or scalar body', () => {
    for (const text of ['', '{', '[1,2]', '"text"', '42', 'null']) expect(parse(text)).toEqual({});
  });

  it('drops __proto__ and constructor keys at any depth', () => {
    const sut = parse('{"__proto__":{"admin":true},"headers":{"constructor":{"x":1},"ok":"1"}}');
    expect(sut).toEqual({ headers: { ok: '1' } });
    expect(Object.prototype.hasOwnProperty.call(sut, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('drops those keys when they are spelled with \\u escapes', () => {
    const sut = parse(
      '{"\\u005f_proto__":{"admin":true},"a":{"\\u0063onstructor":1,"b":"\\u00e9"}}',
    );
    expect(sut).toEqual({ a: { b: 'é' } });
    expect(Object.prototype.hasOwnProperty.call(sut, '__proto__')).toBe(false);
  });

  it('keeps those words when they are values, not keys', () => {
    expect(parse('{"body":"__proto__ constructor"}')).toEqual({ body: '__proto__ constructor' });
  });
});
