import { parseMultipartForm } from './multipart-form';
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

describe('parseMultipartForm', () => {
  function form(parts: [string, Buffer | string, string?][], boundary = 'XyZ'): Buffer {
    const chunks: Buffer[] = [];
    for (const [name, value, extraHeaders] of parts) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${extraHeaders ?? ''}\r\n\r\n`,
        ),
        Buffer.isBuffer(value) ? value : Buffer.from(value),
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }

  it('keeps every part byte for byte, files included, and nests bracket names', () => {
    const binary = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x58]);
    const sut = parseMultipartForm(
      form([
        ['body', binary, '; filename="blob.bin"\r\nContent-Type: application/octet-stream'],
        ['variables[A]', 'x'],
        ['headers', '{"a":"b"}', '\r\nContent-Type: application/json'],
      ]),
      'multipart/form-data; boundary=XyZ',
    );
    expect(sut.body).toEqual(binary);
    expect(sut.variables).toEqual({ A: Buffer.from('x') });
    expect(sut.headers).toEqual(Buffer.from('{"a":"b"}'));
  });

  it('reads a quoted boundary and an empty value', () => {
    const sut = parseMultipartForm(
      form([['memory', '']], 'a b'),
      'multipart/form-data; boundary="a b"',
    );
    expect(sut).toEqual({ memory: Buffer.alloc(0) });
  });

  it('returns what it could read from a truncated body', () => {
    const whole = form([
      ['first', '1'],
      ['second', '2'],
    ]);
    const sut = parseMultipartForm(
      whole.subarray(0, whole.length - 20),
      'multipart/form-data; boundary=XyZ',
    );
    expect(sut).toEqual({ first: Buffer.from('1') });
  });

  it('returns nothing without a boundary', () => {
    expect(parseMultipartForm(Buffer.from('x'), 'multipart/form-data')).toEqual({});
  });
});
