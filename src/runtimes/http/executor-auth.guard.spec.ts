import { executorToken } from './executor-auth.guard';

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
