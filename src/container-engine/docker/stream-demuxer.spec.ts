import { CappedBuffer, LineSplitter, StreamDemuxer } from './stream-demuxer';

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('StreamDemuxer', () => {
  it('separates stdout and stderr frames, even when split across reads', () => {
    const out: string[] = [];
    const err: string[] = [];
    const sut = new StreamDemuxer(
      (chunk) => out.push(chunk.toString()),
      (chunk) => err.push(chunk.toString()),
    );
    const data = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let offset = 0; offset < data.length; offset += 3)
      sut.push(data.subarray(offset, offset + 3));
    expect(out.join('')).toBe('hello world');
    expect(err.join('')).toBe('oops');
  });
});

describe('CappedBuffer', () => {
  it('keeps the first bytes up to the cap and flags the cut', () => {
    const sut = new CappedBuffer(5);
    sut.append(Buffer.from('abc'));
    sut.append(Buffer.from('defg'));
    expect(sut.toBuffer().toString()).toBe('abcde');
    expect(sut.truncated).toBe(true);
  });

  it('is not truncated when the data fits exactly', () => {
    const sut = new CappedBuffer(3);
    sut.append(Buffer.from('abc'));
    expect(sut.truncated).toBe(false);
  });
});

describe('LineSplitter', () => {
  it('yields whole lines across chunk and multi-byte character boundaries', () => {
    const lines: string[] = [];
    const sut = new LineSplitter((line) => lines.push(line));
    const data = Buffer.from('{"a":"é"}\n\n{"b":2}\n{"c"');
    for (let offset = 0; offset < data.length; offset += 2)
      sut.push(data.subarray(offset, offset + 2));
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}']);
  });
});
