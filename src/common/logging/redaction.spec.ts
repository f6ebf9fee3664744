import pino from 'pino';
import { REDACTED_PATHS } from './redaction';

describe('log redaction', () => {
  it('hides passwords, hashes and tokens nested one level deep', () => {
    const lines: string[] = [];
    const sut = pino(
      { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
      { write: (line: string) => void lines.push(line) },
    );
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
    const output = lines.join('');
    expect(output).toContain('ada@example.com');
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
      expect(output).not.toContain(secret);
    }
  });
});
