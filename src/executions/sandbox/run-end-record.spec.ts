import { isRunNonce, newRunNonce, RunEndScanner } from './run-end-record';

const NONCE = '0123456789abcdef'.repeat(2);
const record = (code: number, nonce = NONCE, kills = '0') =>
  `\0runcell-end:${nonce}:${code}:${kills}\n`;

function scanInPieces(text: string, size: number) {
  const sut = new RunEndScanner(NONCE);
  const bytes = Buffer.from(text, 'utf8');
  const kept: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size)
    kept.push(sut.push(bytes.subarray(at, at + size)));
  kept.push(sut.flush());
  return { output: Buffer.concat(kept).toString('utf8'), record: sut.record };
}

describe('RunEndScanner', () => {
  it('makes fresh 32-digit hex nonces', () => {
    const a = newRunNonce();
    expect(isRunNonce(a)).toBe(true);
    expect(newRunNonce()).not.toBe(a);
    expect(() => new RunEndScanner('short')).toThrow();
  });

  it('strips the record and everything after it, split at any chunk boundary', () => {
    const text = `hello\0world ✓${record(3)}late output`;
    for (const size of [1, 2, 3, 7, 16, 1000]) {
      expect(scanInPieces(text, size)).toEqual({
        output: 'hello\0world ✓',
        record: { exitCode: 3, oomKills: 0 },
      });
    }
  });

  it('passes output that only looks like a record and does not end the run', () => {
    const forged = [
      record(0, 'f'.repeat(32)),
      '\0runcell-end:',
      `\0runcell-end:${NONCE}:x\n`,
      `\0runcell-end:${NONCE}:1234:0\n`,
      `\0runcell-end:${NONCE}:1\n`,
      `\0runcell-end:${NONCE}:1:12345678901\n`,
      `\0runcell-end:${NONCE}:1:0${'9'.repeat(100)}\n`,
      `\0runcell-end:${NONCE}:\n`,
    ].join('');
    for (const size of [1, 5, 1000]) {
      expect(scanInPieces(forged, size)).toEqual({ output: forged, record: undefined });
    }
  });

  it('still sees the real record after forged ones', () => {
    const text = `${record(0, 'e'.repeat(32))}\0runcell-end:${NONCE}:x\nok${record(0)}`;
    expect(scanInPieces(text, 4)).toEqual({
      output: `${record(0, 'e'.repeat(32))}\0runcell-end:${NONCE}:x\nok`,
      record: { exitCode: 0, oomKills: 0 },
    });
  });

  it('reads the OOM kill count, or null when the launcher could not read it', () => {
    expect(scanInPieces(record(137, NONCE, '2'), 3).record).toEqual({ exitCode: 137, oomKills: 2 });
    expect(scanInPieces(record(1, NONCE, '-'), 3).record).toEqual({ exitCode: 1, oomKills: null });
  });

  it('holds back no more than a record whatever the program writes', () => {
    const sut = new RunEndScanner(NONCE);
    const start = record(0).slice(0, 20);
    expect(sut.push(Buffer.from(`abc${start}`)).toString()).toBe('abc');
    expect(sut.push(Buffer.from('x'.repeat(10_000))).length).toBe(20 + 10_000);
    expect(sut.push(Buffer.from('\0'.repeat(5000))).length).toBe(5000 - 1);
    expect(sut.flush().toString()).toBe('\0');
  });
});
