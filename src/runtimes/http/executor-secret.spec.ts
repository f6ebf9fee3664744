import { ExecutorSecret, executorToken } from './executor-secret';

describe('executorToken', () => {
  it.each([
    ['Bearer secret', 'secret'],
    ['Foo secret', 'secret'],
    ['secret', ''],
    ['Bearer  secret', ''],
    ['Bearer secret extra', 'secret'],
    [undefined, ''],
  ])('%j → %j', (header, expected) => {
    expect(executorToken(header)).toBe(expected);
  });
});

describe('ExecutorSecret', () => {
  it('accepts the secret under any scheme word and nothing else', () => {
    const sut = new ExecutorSecret('right');
    expect(sut.accepts('Bearer right')).toBe(true);
    expect(sut.accepts('Foo right')).toBe(true);
    expect(sut.accepts('Bearer wrong')).toBe(false);
    expect(sut.accepts('right')).toBe(false);
    expect(sut.accepts(undefined)).toBe(false);
  });

  it('never matches an empty secret, an empty token or 0', () => {
    expect(new ExecutorSecret('').accepts('Bearer ')).toBe(false);
    expect(new ExecutorSecret('0').accepts('Bearer 0')).toBe(false);
  });
});
