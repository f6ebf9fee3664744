import { frameProgram } from './program-framing';

describe('frameProgram', () => {
  it('prefixes the program with its byte length, not its character length', () => {
    const framed = frameProgram('print("é")\n', 'input');
    expect(framed.toString('utf8')).toBe('12\nprint("é")\ninput');
  });

  it('keeps binary stdin byte for byte after the program', () => {
    const stdin = Buffer.from([0, 255, 10, 13, 0]);
    const sut = frameProgram('x', stdin);
    expect(sut.subarray(0, 3).toString()).toBe('1\nx');
    expect(sut.subarray(3)).toEqual(stdin);
  });

  it('frames an empty program and no stdin as a zero header', () => {
    expect(frameProgram('').toString()).toBe('0\n');
  });
});
