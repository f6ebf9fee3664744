import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { redactionOptions } from './redaction';

function captureLogger() {
  const lines: string[] = [];
  const sut = pino(redactionOptions(), { write: (line: string) => void lines.push(line) });
  return { sut, output: () => lines.join('') };
}

describe('log redaction', () => {
  it('hides passwords, hashes and tokens nested one level deep', () => {
    const { sut, output } = captureLogger();
    sut.info(
      {
        body: { email: 'ada@example.com', password: 'hunter2-password' },
        user: { passwordHash: '$argon2id$v=19$secret-hash', password_hash: '$argon2id$other' },
        tokens: { access_token: 'eyJ.access.token', refresh_token: 'row.refresh-secret' },
        auth: { jwtSecret: 'the-jwt-secret', token: 'bare-token' },
        req: { headers: { authorization: 'Bearer eyJ.header.token' } },
      },
      'request',
    );
    expect(output()).toContain('ada@example.com');
    for (const secret of [
      'hunter2-password',
      'secret-hash',
      'argon2id$other',
      'eyJ.access.token',
      'refresh-secret',
      'the-jwt-secret',
      'bare-token',
      'eyJ.header.token',
    ]) {
      expect(output()).not.toContain(secret);
    }
  });

  it('hides secrets at any depth, in arrays and in error causes', () => {
    const { sut, output } = captureLogger();
    const cause = Object.assign(new Error('inner'), { env: { API_KEY: 'cause-env-value' } });
    sut.info(
      {
        a: { b: { c: { d: { password: 'deep-password' } } } },
        jobs: [{ data: { env: { TOKEN: 'array-env-value' } } }],
        failure: new Error('outer', { cause }),
      },
      'nested',
    );
    expect(output()).toContain('nested');
    for (const secret of ['deep-password', 'array-env-value', 'cause-env-value']) {
      expect(output()).not.toContain(secret);
    }
  });

  it('never logs the parameters of a failed query, but keeps the error readable', () => {
    const { sut, output } = captureLogger();
    const driverError = Object.assign(
      new Error('invalid byte sequence for encoding "UTF8": 0x00'),
      {
        code: '22021',
        detail: 'Failing row contains (ada@example.com, $argon2id$v=19$detail-hash).',
      },
    );
    const err = new QueryFailedError(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
      ['ada@example.com', '$argon2id$v=19$parameter-hash'],
      driverError,
    );
    sut.error({ err, requestId: 'req-1' }, 'Unhandled error');
    const line = JSON.parse(output()) as { err: { type: string; message: string; stack: string } };
    expect(line.err.type).toBe('QueryFailedError');
    expect(line.err.message).toContain('invalid byte sequence');
    expect(line.err.stack).toContain('QueryFailedError');
    expect(output()).not.toContain('parameter-hash');
    expect(output()).not.toContain('detail-hash');
  });

  it('survives cyclic and very deeply nested objects', () => {
    const { sut, output } = captureLogger();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { password: 'bottom-password' };
    for (let i = 0; i < 10_000; i += 1) deep = { next: deep };
    sut.info({ cyclic, deep }, 'odd shapes');
    expect(output()).toContain('odd shapes');
    expect(output()).not.toContain('bottom-password');
  });
});
