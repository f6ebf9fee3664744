import { PassThrough } from 'node:stream';
import { CappedBuffer, followJsonLines, StreamDemuxer } from './stream-demuxer';

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(): { sut: StreamDemuxer; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const sut = new StreamDemuxer(
    (chunk) => out.push(chunk.toString()),
    (chunk) => err.push(chunk.toString()),
  );
  return { sut, out, err };
}

describe('StreamDemuxer', () => {
  it('separates stdout and stderr frames, even when split across reads', () => {
    const { sut, out, err } = collect();
    const data = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let offset = 0; offset < data.length; offset += 3)
      sut.push(data.subarray(offset, offset + 3));
    expect(out.join('')).toBe('hello world');
    expect(err.join('')).toBe('oops');
  });

  // A container alternating one-byte writes to stdout and stderr: one socket read of 64 KiB
  // holds ~7,000 frames. docker-modem's demuxStream overflows the stack here and drops the rest.
  it('delivers every byte of a read packed with tiny frames, in order', () => {
    const { sut, out, err } = collect();
    const frames: Buffer[] = [];
    for (let i = 0; i < 50_000; i++) frames.push(frame(i % 2 === 0 ? 1 : 2, i % 2 ? 'e' : 'o'));
    sut.push(Buffer.concat(frames));
    expect(out.join('')).toBe('o'.repeat(25_000));
    expect(err.join('')).toBe('e'.repeat(25_000));
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

describe('followJsonLines', () => {
  it('yields whole trimmed lines across chunk and multi-byte character boundaries', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const sut = followJsonLines(stream, (line) => lines.push(line));
    const data = Buffer.from('{"a":"é"}\r\n\n  \n{"b":2}\n{"c":3}\n');
    for (let offset = 0; offset < data.length; offset += 2)
      stream.write(data.subarray(offset, offset + 2));
    stream.end();
    await sut.ended;
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  it('ends when stopped, and when the stream fails, without throwing', async () => {
    const stopped = new PassThrough();
    const first = followJsonLines(stopped, () => undefined);
    first.stop();
    await expect(first.ended).resolves.toBeUndefined();

    const failing = new PassThrough();
    const second = followJsonLines(failing, () => undefined);
    failing.destroy(new Error('daemon went away'));
    await expect(second.ended).resolves.toBeUndefined();
  });
});
