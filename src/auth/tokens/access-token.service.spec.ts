import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '../../config';
import { AccessTokenService } from './access-token.service';

describe('AccessTokenService', () => {
  const config = loadConfig({
    JWT_SECRET: 'unit-test-secret-that-is-at-least-32-bytes',
    JWT_ISSUER: 'issuer-x',
    JWT_AUDIENCE: 'audience-y',
    JWT_ACCESS_TTL_SECONDS: '120',
  });
  const jwt = new JwtService();
  const sut = new AccessTokenService(config, jwt);

  it('signs an HS256 token that verifies only with the pinned secret, issuer and audience', async () => {
    const signed = await sut.sign('user-1');
    expect(signed.expiresIn).toBe(120);
    const pinned = {
      secret: config.auth.jwtSecret,
      algorithms: ['HS256' as const],
      issuer: 'issuer-x',
      audience: 'audience-y',
    };
    const claims = jwt.verify<Record<string, unknown>>(signed.token, pinned);
    expect(claims).toMatchObject({
      sub: 'user-1',
      type: 'access',
      iss: 'issuer-x',
      aud: 'audience-y',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    const verifyWith = (overrides: object) => () => {
      jwt.verify(signed.token, { ...pinned, ...overrides });
    };
    expect(verifyWith({ secret: 'another-secret-32-bytes-long-xxxxxx' })).toThrow(
      'invalid signature',
    );
    expect(verifyWith({ issuer: 'other' })).toThrow('jwt issuer invalid');
    expect(verifyWith({ audience: 'other' })).toThrow('jwt audience invalid');
  });

  it('gives every token its own jti', async () => {
    const [first, second] = await Promise.all([sut.sign('user-1'), sut.sign('user-1')]);
    const jtiOf = (token: string) => jwt.decode<{ jti: string }>(token).jti;
    expect(jtiOf(first.token)).not.toBe(jtiOf(second.token));
  });
});
