import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer, forgeJwt, register, Session } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

const SECRET = 'token-spec-secret-that-is-long-enough-for-hs256';
const HS256 = { alg: 'HS256', typ: 'JWT' };

describe('access token verification (forged tokens against the real app)', () => {
  let sut: NestFastifyApplication;
  let session: Session;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ JWT_SECRET: SECRET, RATE_LIMITS_ENABLED: 'false' }));
    session = await register(sut);
  });

  afterAll(async () => {
    await sut.close();
  });

  function claimsFor(userId: string, overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: 'runcell',
      aud: 'runcell-api',
      sub: userId,
      jti: randomUUID(),
      type: 'access',
      iat: now,
      exp: now + 600,
      ...overrides,
    };
  }

  function me(token: string) {
    return sut.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
  }

  async function expectInvalidToken(token: string): Promise<void> {
    const response = await me(token);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: {
        code: 'INVALID_TOKEN',
        message: 'The access token is invalid, expired or revoked.',
        request_id: expect.any(String),
      },
    });
  }

  it('accepts a token forged correctly with the real secret (the forging itself is right)', async () => {
    const response = await me(forgeJwt(HS256, claimsFor(session.user.id), SECRET));
    expect(response.statusCode).toBe(200);
    expect(response.json().user.id).toBe(session.user.id);
  });

  it('refuses an unsigned token (alg none)', async () => {
    await expectInvalidToken(
      forgeJwt({ alg: 'none', typ: 'JWT' }, claimsFor(session.user.id), null),
    );
  });

  it('refuses an HS256 token signed with another secret', async () => {
    const token = forgeJwt(
      HS256,
      claimsFor(session.user.id),
      'another-secret-that-is-also-32-bytes-long',
    );
    await expectInvalidToken(token);
  });

  it('refuses an RS256 header, whether HMAC-signed with the secret or really RSA-signed', async () => {
    const rs256 = { alg: 'RS256', typ: 'JWT' };
    await expectInvalidToken(forgeJwt(rs256, claimsFor(session.user.id), SECRET));

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const unsigned = forgeJwt(rs256, claimsFor(session.user.id), null).slice(0, -1);
    const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url');
    await expectInvalidToken(`${unsigned}.${signature}`);
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    await expectInvalidToken(
      forgeJwt(HS256, claimsFor(session.user.id, { iss: 'someone-else' }), SECRET),
    );
    await expectInvalidToken(
      forgeJwt(HS256, claimsFor(session.user.id, { aud: 'another-api' }), SECRET),
    );
  });

  it('refuses a token whose type is refresh, or which has no type', async () => {
    await expectInvalidToken(
      forgeJwt(HS256, claimsFor(session.user.id, { type: 'refresh' }), SECRET),
    );
    await expectInvalidToken(
      forgeJwt(HS256, claimsFor(session.user.id, { type: undefined }), SECRET),
    );
  });

  it('refuses the opaque refresh token presented as an access token', async () => {
    await expectInvalidToken(session.refresh_token);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = claimsFor(session.user.id, { iat: now - 1000, exp: now - 10 });
    await expectInvalidToken(forgeJwt(HS256, expired, SECRET));
  });

  it('refuses a token without a jti', async () => {
    await expectInvalidToken(
      forgeJwt(HS256, claimsFor(session.user.id, { jti: undefined }), SECRET),
    );
  });

  it('refuses a token of a deleted user', async () => {
    const doomed = await register(sut);
    expect((await me(doomed.access_token)).statusCode).toBe(200);
    await sut.get(DataSource).query('DELETE FROM users WHERE id = $1', [doomed.user.id]);
    await expectInvalidToken(doomed.access_token);
    const refresh = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: doomed.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('refuses a token whose jti was denied by logout, while a newer token still works', async () => {
    const user = await register(sut);
    const login = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: user.refresh_token },
    });
    const fresh = login.json<Session>();
    const logout = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(user.access_token),
      payload: { refresh_token: 'not-mine' },
    });
    expect(logout.statusCode).toBe(204);
    await expectInvalidToken(user.access_token);
    expect((await me(fresh.access_token)).statusCode).toBe(200);
  });

  it('refuses a token in a non-bearer scheme or a garbled bearer value', async () => {
    const basic = await sut.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.code).toBe('INVALID_TOKEN');
    await expectInvalidToken('not.a.jwt');
  });
});
