import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../../src/auth/passwords/password-hasher.service';
import {
  bearer,
  decodeJwtPayload,
  register,
  Session,
  TEST_PASSWORD,
  uniqueEmail,
} from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('auth routes (real Postgres and Redis)', () => {
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false' }));
  });

  afterAll(async () => {
    await sut.close();
  });

  function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
    return sut.inject({
      method: 'POST',
      url: `/api/v1/auth/${url}`,
      payload: payload as object,
      headers,
    });
  }

  describe('POST /register', () => {
    it('answers 201 with a token pair and the user, storing the email trimmed and lower-cased', async () => {
      const email = uniqueEmail('ada');
      const response = await post('register', {
        email: `  ${email.toUpperCase()} `,
        password: TEST_PASSWORD,
        name: '  Ada Lovelace ',
      });
      expect(response.statusCode).toBe(201);
      const body = response.json<Session>();
      expect(body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: {
          id: expect.stringMatching(UUID),
          email,
          name: 'Ada Lovelace',
          role: 'user',
          created_at: expect.stringMatching(ISO_UTC),
        },
      });
      const rows = await sut
        .get(DataSource)
        .query('SELECT email, password_hash FROM users WHERE id = $1', [body.user.id]);
      expect(rows[0].email).toBe(email);
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
      expect(rows[0].password_hash).not.toContain(TEST_PASSWORD);
    });

    it('issues an HS256 access token with the pinned claims', async () => {
      const session = await register(sut);
      const header = JSON.parse(
        Buffer.from(session.access_token.split('.')[0], 'base64url').toString(),
      );
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodeJwtPayload(session.access_token);
      expect(claims).toEqual({
        type: 'access',
        iss: 'runcell',
        aud: 'runcell-api',
        sub: session.user.id,
        jti: expect.stringMatching(UUID),
        iat: expect.any(Number),
        exp: (claims.iat as number) + 900,
      });
    });

    it('answers 409 EMAIL_TAKEN for an email already registered, whatever its case', async () => {
      const email = uniqueEmail();
      await register(sut, { email });
      const response = await post('register', {
        email: email.toUpperCase(),
        password: TEST_PASSWORD,
        name: 'Again',
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({
        error: { code: 'EMAIL_TAKEN', message: expect.any(String), request_id: expect.any(String) },
      });
    });

    it.each([
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      [
        'an email over 254 characters',
        { email: `${'a'.repeat(60)}@${'b'.repeat(200)}.com` },
        'email',
      ],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name'],
      ['a password under 8 characters', { password: 'short' }, 'password'],
      ['a password over 128 characters', { password: 'p'.repeat(129) }, 'password'],
      ['a missing password', { password: undefined }, 'password'],
    ])('answers 400 VALIDATION_FAILED for %s', async (_label, fields, field) => {
      const response = await post('register', {
        email: uniqueEmail(),
        password: TEST_PASSWORD,
        name: 'Valid Name',
        ...fields,
      });
      expect(response.statusCode).toBe(400);
      const body = response.json();
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    });

    it('answers 400 when the password equals the email', async () => {
      const email = uniqueEmail();
      const response = await post('register', { email, password: email.toUpperCase(), name: 'X' });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'password', message: 'password must not be the email address' }],
      });
    });

    it('answers 400 for unknown fields such as a role', async () => {
      const response = await post('register', {
        email: uniqueEmail(),
        password: TEST_PASSWORD,
        name: 'Mallory',
        role: 'admin',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /login', () => {
    it('answers 200 with a new token pair for the right password, email in any case', async () => {
      const email = uniqueEmail();
      const registered = await register(sut, { email });
      const response = await post('login', {
        email: ` ${email.toUpperCase()}`,
        password: TEST_PASSWORD,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json<Session>();
      expect(body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: registered.user,
      });
      expect(body.refresh_token).not.toBe(registered.refresh_token);
    });

    it('answers the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
      const email = uniqueEmail();
      await register(sut, { email });
      const wrongPassword = await post('login', { email, password: 'wrong password here' });
      const unknownEmail = await post('login', { email: uniqueEmail(), password: TEST_PASSWORD });
      for (const response of [wrongPassword, unknownEmail]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({
          error: {
            code: 'INVALID_CREDENTIALS',
            message: 'The email or password is incorrect.',
            request_id: expect.any(String),
          },
        });
      }
    });

    it('verifies a password for an unknown email too, taking a similar time', async () => {
      const email = uniqueEmail();
      await register(sut, { email });
      const hasher = sut.get(PasswordHasher);
      const verify = jest.spyOn(hasher, 'verify');
      const durations = { wrongPassword: [] as number[], unknownEmail: [] as number[] };
      const timed = async (kind: keyof typeof durations, loginEmail: string) => {
        const started = performance.now();
        const response = await post('login', { email: loginEmail, password: 'wrong password' });
        durations[kind].push(performance.now() - started);
        expect(response.statusCode).toBe(401);
      };
      const rounds = 9;
      try {
        for (let round = 0; round < rounds; round += 1) {
          // Alternate the order so a burst of load elsewhere hits both paths alike.
          if (round % 2 === 0) {
            await timed('wrongPassword', email);
            await timed('unknownEmail', uniqueEmail());
          } else {
            await timed('unknownEmail', uniqueEmail());
            await timed('wrongPassword', email);
          }
        }
        expect(verify).toHaveBeenCalledTimes(2 * rounds);
      } finally {
        verify.mockRestore();
      }
      const ratio = median(durations.unknownEmail) / median(durations.wrongPassword);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });

    it('answers 400 for a body without a password', async () => {
      const response = await post('login', { email: uniqueEmail() });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /me', () => {
    it('answers 200 with the signed-in user', async () => {
      const session = await register(sut);
      const response = await sut.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: bearer(session.access_token),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ user: session.user });
    });

    it('answers 401 UNAUTHENTICATED without a token', async () => {
      const response = await sut.inject({ method: 'GET', url: '/api/v1/auth/me' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: {
          code: 'UNAUTHENTICATED',
          message: 'An access token is required.',
          request_id: expect.any(String),
        },
      });
    });
  });

  describe('POST /refresh and /logout', () => {
    it('rotates: a new pair, and the old refresh token no longer works', async () => {
      const session = await register(sut);
      const refreshed = await post('refresh', { refresh_token: session.refresh_token });
      expect(refreshed.statusCode).toBe(200);
      const next = refreshed.json<Session>();
      expect(next).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        user: session.user,
      });
      expect(next.refresh_token).not.toBe(session.refresh_token);
      expect(next.access_token).not.toBe(session.access_token);
      const me = await sut.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: bearer(next.access_token),
      });
      expect(me.statusCode).toBe(200);
    });

    it('revokes the whole family when a rotated refresh token is reused', async () => {
      const session = await register(sut);
      const first = (
        await post('refresh', { refresh_token: session.refresh_token })
      ).json<Session>();
      const second = (
        await post('refresh', { refresh_token: first.refresh_token })
      ).json<Session>();

      const reuse = await post('refresh', { refresh_token: session.refresh_token });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().error.code).toBe('INVALID_TOKEN');

      const latest = await post('refresh', { refresh_token: second.refresh_token });
      expect(latest.statusCode).toBe(401);
      expect(latest.json().error.code).toBe('INVALID_TOKEN');

      const rows = await sut
        .get(DataSource)
        .query(
          `SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`,
          [session.user.id],
        );
      expect(rows[0].live).toBe(0);
    });

    it('keeps other families alive when one family is revoked', async () => {
      const email = uniqueEmail();
      const phone = await register(sut, { email });
      const laptop = (await post('login', { email, password: TEST_PASSWORD })).json<Session>();
      await post('refresh', { refresh_token: phone.refresh_token });
      await post('refresh', { refresh_token: phone.refresh_token });
      const response = await post('refresh', { refresh_token: laptop.refresh_token });
      expect(response.statusCode).toBe(200);
    });

    it.each([
      ['garbage', 'not-a-token'],
      [
        'an unknown id',
        '00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ],
    ])('answers 401 INVALID_TOKEN for %s', async (_label, token) => {
      const response = await post('refresh', { refresh_token: token });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_TOKEN');
    });

    it('answers 401 for a known id with the wrong secret, without revoking the family', async () => {
      const session = await register(sut);
      const [id] = session.refresh_token.split('.');
      const forged = `${id}.${'A'.repeat(43)}`;
      expect((await post('refresh', { refresh_token: forged })).statusCode).toBe(401);
      expect((await post('refresh', { refresh_token: session.refresh_token })).statusCode).toBe(
        200,
      );
    });

    it('answers 401 for an expired refresh token', async () => {
      const session = await register(sut);
      const [id] = session.refresh_token.split('.');
      await sut
        .get(DataSource)
        .query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
          id,
        ]);
      const response = await post('refresh', { refresh_token: session.refresh_token });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_TOKEN');
    });

    it('logout answers 204, revokes the family and denies the access token until it expires', async () => {
      const session = await register(sut);
      const next = (
        await post('refresh', { refresh_token: session.refresh_token })
      ).json<Session>();

      const logout = await post(
        'logout',
        { refresh_token: next.refresh_token },
        bearer(next.access_token),
      );
      expect(logout.statusCode).toBe(204);
      expect(logout.body).toBe('');

      const me = await sut.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: bearer(next.access_token),
      });
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('INVALID_TOKEN');
      expect((await post('refresh', { refresh_token: next.refresh_token })).statusCode).toBe(401);
    });

    it("logout with another user's refresh token leaves that token working", async () => {
      const alice = await register(sut);
      const bob = await register(sut);
      const logout = await post(
        'logout',
        { refresh_token: bob.refresh_token },
        bearer(alice.access_token),
      );
      expect(logout.statusCode).toBe(204);
      expect((await post('refresh', { refresh_token: bob.refresh_token })).statusCode).toBe(200);
    });

    it('logout answers 401 without an access token', async () => {
      const session = await register(sut);
      const response = await post('logout', { refresh_token: session.refresh_token });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    });
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
