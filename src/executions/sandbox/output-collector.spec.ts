import { OutputCollector, withoutCutCharacter } from './output-collector';

describe('OutputCollector', () => {
  it('keeps everything under the cap and forwards it live', () => {
    const forwarded: string[] = [];
    const sut = new OutputCollector(10, (chunk) => forwarded.push(chunk.toString()));
    sut.append(Buffer.from('abc'));
    sut.append(Buffer.from('def'));
    expect(sut.text()).toBe('abcdef');
    expect(sut.truncated).toBe(false);
    expect(forwarded).toEqual(['abc', 'def']);
  });

  it('cuts at the cap, flags it, keeps counting and forwards only the kept bytes', () => {
    const forwarded: string[] = [];
    const sut = new OutputCollector(4, (chunk) => forwarded.push(chunk.toString()));
    sut.append(Buffer.from('abc'));
    sut.append(Buffer.from('def'));
    sut.append(Buffer.from('ghi'));
    expect(sut.text()).toBe('abcd');
    expect(sut.truncated).toBe(true);
    expect(sut.totalBytes).toBe(9);
    expect(forwarded).toEqual(['abc', 'd']);
  });

  it('is not truncated when the output is exactly the cap', () => {
    const sut = new OutputCollector(3);
    sut.append(Buffer.from('abc'));
    sut.append(Buffer.alloc(0));
    expect(sut.truncated).toBe(false);
    expect(sut.text()).toBe('abc');
  });

  it('survives a live consumer that throws', () => {
    const sut = new OutputCollector(10, () => {
      throw new Error('consumer broke');
    });
    sut.append(Buffer.from('still kept'));
    expect(sut.text()).toBe('still kept');
  });

  it('drops a multi-byte character cut by the cap', () => {
    const sut = new OutputCollector(5);
    sut.append(Buffer.from('abc€')); // € is 3 bytes: only 2 fit
    expect(sut.text()).toBe('abc');
  });
});

describe('withoutCutCharacter', () => {
  it.each([
    ['complete ascii', Buffer.from('ab'), 'ab'],
    ['complete 2-byte', Buffer.from('aé'), 'aé'],
    ['complete 4-byte', Buffer.from('a😀'), 'a😀'],
    ['cut 4-byte after 3', Buffer.from('a😀').subarray(0, 4), 'a'],
    ['cut 4-byte after 1', Buffer.from('a😀').subarray(0, 2), 'a'],
    ['cut 2-byte', Buffer.from('aé').subarray(0, 2), 'a'],
  ])('%s', (_name, input, expected) => {
    expect(withoutCutCharacter(input).toString()).toBe(expected);
  });
});
