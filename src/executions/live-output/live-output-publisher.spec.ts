import { LiveOutputPublisher } from './live-output-publisher';

describe('LiveOutputPublisher', () => {
  function capture(options = { maxBytes: 8, maxDelayMs: 10_000 }) {
    const sent: Array<[string, string]> = [];
    const sut = new LiveOutputPublisher(async (stream, text) => {
      sent.push([stream, text]);
      await new Promise((done) => setImmediate(done));
    }, options);
    return { sut, sent };
  }

  it('merges one-byte chunks that arrive before the batch is sent, per stream', async () => {
    const { sut, sent } = capture();
    for (const byte of Buffer.from('abcdefghijk')) {
      sut.write('stdout', Buffer.from([byte]));
      sut.write('stderr', Buffer.from('!'));
    }
    await sut.close();
    expect(sent).toEqual([
      ['stdout', 'abcdefghijk'],
      ['stderr', '!!!!!!!!!!!'],
    ]);
  });

  it('sends a full batch at once, and what follows after it', async () => {
    const { sut, sent } = capture();
    sut.write('stdout', Buffer.from('abcdefgh'));
    await new Promise((done) => setTimeout(done, 10));
    sut.write('stdout', Buffer.from('ijk'));
    expect(sent).toEqual([['stdout', 'abcdefgh']]);
    await sut.close();
    expect(sent).toEqual([
      ['stdout', 'abcdefgh'],
      ['stdout', 'ijk'],
    ]);
  });

  it('keeps a UTF-8 character split across chunks whole', async () => {
    const { sut, sent } = capture({ maxBytes: 2, maxDelayMs: 10_000 });
    const bytes = Buffer.from('é😀');
    for (const byte of bytes) sut.write('stderr', Buffer.from([byte]));
    await sut.close();
    expect(sent.map(([, text]) => text).join('')).toBe('é😀');
    expect(sent.every(([, text]) => !text.includes('\uFFFD'))).toBe(true);
  });

  it('sends a small batch after the delay without waiting for more output', async () => {
    const { sut, sent } = capture({ maxBytes: 1024, maxDelayMs: 20 });
    sut.write('stdout', Buffer.from('hi'));
    await new Promise((done) => setTimeout(done, 60));
    expect(sent).toEqual([['stdout', 'hi']]);
    await sut.close();
  });
});
