import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bearer, Session, TEST_PASSWORD, uniqueEmail } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

const JWT_SECRET = 'secrets-spec-jwt-secret-that-is-long-enough';
const ADMIN_PASSWORD = 'admin password for the secrets spec';

describe('no response or log line carries a password, hash or token secret', () => {
  const logLines: string[] = [];
  const logs = () => logLines.join('');
  const responses: string[] = [];
  const secrets: string[] = [JWT_SECRET, TEST_PASSWORD, ADMIN_PASSWORD];
  const tokens: string[] = [];
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    // TypeORM reports failed statements through console; those count as log lines too.
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logLines.push(`${args.map((arg) => String(arg)).join(' ')}\n`);
      });
    }
    sut = await startTestApp(
      testConfig({
        JWT_SECRET,
        LOG_LEVEL: 'trace',
        RATE_LIMITS_ENABLED: 'true',
        RATE_LIMIT_LOGIN: '2/900',
        ADMIN_EMAIL: uniqueEmail('admin'),
        ADMIN_PASSWORD,
      }),
      { logDestination: { write: (line: string) => void logLines.push(line) } },
    );

    const call = async (method: 'GET' | 'POST', url: string, payload?: object, token?: string) => {
      const response = await sut.inject({
        method,
        url,
        payload,
        headers: token ? bearer(token) : {},
      });
      responses.push(response.body);
      return response;
    };

    const email = uniqueEmail();
    const session = (
      await call('POST', '/api/v1/auth/register', { email, password: TEST_PASSWORD, name: 'S' })
    ).json<Session>();
    await call('POST', '/api/v1/auth/register', { email, password: TEST_PASSWORD, name: 'S' });
    await call('POST', '/api/v1/auth/register', { email: 'bad', password: 'short', name: '' });
    const login = (
      await call('POST', '/api/v1/auth/login', { email, password: TEST_PASSWORD })
    ).json<Session>();
    await call('POST', '/api/v1/auth/login', { email, password: `${TEST_PASSWORD}!` });
    await call('POST', '/api/v1/auth/login', { email, password: `${TEST_PASSWORD}?` });
    const refreshed = (
      await call('POST', '/api/v1/auth/refresh', { refresh_token: session.refresh_token })
    ).json<Session>();
    await call('POST', '/api/v1/auth/refresh', { refresh_token: session.refresh_token });
    await call('GET', '/api/v1/auth/me', undefined, login.access_token);
    await call('GET', '/api/v1/auth/me', undefined, `${login.access_token}x`);
    await call(
      'POST',
      '/api/v1/auth/logout',
      { refresh_token: login.refresh_token },
      login.access_token,
    );
    await call('GET', '/api/v1/auth/me', undefined, login.access_token);

    for (const pair of [session, login, refreshed]) {
      tokens.push(pair.access_token, pair.refresh_token, pair.refresh_token.split('.')[1]);
    }
    const hashes = await sut.get(DataSource).query<{ password_hash: string; token_hash: string }[]>(
      `SELECT u.password_hash, t.token_hash FROM users u JOIN refresh_tokens t ON t.user_id = u.id
       WHERE u.email = $1`,
      [email],
    );
    for (const row of hashes) secrets.push(row.password_hash, row.token_hash);
    await sut.close();
  });

  afterAll(() => {
    jest.restoreAllMocks();
  });

  it('logged the requests and found the stored hashes (so the checks can fail)', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(3 + 2 * 3);
    expect(logs()).toContain('/api/v1/auth/login');
    expect(logs()).toContain('"statusCode":429');
    expect(logs()).toContain('refresh token was reused');
    expect(logs()).toContain('Admin account created');
  });

  it('logs no password, hash, JWT secret or token', () => {
    const leaked = [...secrets, ...tokens].filter((secret) => logs().includes(secret));
    expect(leaked).toEqual([]);
  });

  it('answers with no password, hash or JWT secret', () => {
    const leaked = secrets.filter((secret) => responses.some((body) => body.includes(secret)));
    expect(leaked).toEqual([]);
    expect(responses.join('\n')).not.toMatch(/password_hash|\$argon2/);
  });
});
