import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bearer, register, Session, TEST_PASSWORD, uniqueEmail } from '../support/auth-helpers';
import { startTestApp, testConfig } from '../support/test-app';

const ADMIN_PASSWORD = 'first admin password';

describe('the first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  const apps: NestFastifyApplication[] = [];

  async function start(env: Record<string, string>): Promise<NestFastifyApplication> {
    const app = await startTestApp(testConfig({ RATE_LIMITS_ENABLED: 'false', ...env }));
    apps.push(app);
    return app;
  }

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function login(app: NestFastifyApplication, email: string, password: string) {
    return app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
  }

  it('creates the admin at start-up, once, however many instances start', async () => {
    const email = uniqueEmail('admin');
    const env = { ADMIN_EMAIL: ` ${email.toUpperCase()} `, ADMIN_PASSWORD };
    const [first] = await Promise.all([start(env), start(env)]);
    await start(env);

    const response = await login(first, email, ADMIN_PASSWORD);
    expect(response.statusCode).toBe(200);
    const session = response.json<Session>();
    expect(session.user).toMatchObject({ email, role: 'admin' });
    const me = await first.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(session.access_token),
    });
    expect(me.json().user.role).toBe('admin');
    const rows = await first
      .get(DataSource)
      .query<{ count: number }[]>('SELECT count(*)::int AS count FROM users WHERE email = $1', [
        email,
      ]);
    expect(rows[0].count).toBe(1);
  });

  it('never promotes an account registered before with ADMIN_EMAIL: start-up stops', async () => {
    const app = await start({});
    const email = uniqueEmail();
    const squatter = await register(app, { email });
    expect(squatter.user.role).toBe('user');

    await expect(
      startTestApp(
        testConfig({ RATE_LIMITS_ENABLED: 'false', ADMIN_EMAIL: email, ADMIN_PASSWORD }),
      ),
    ).rejects.toThrow(/ADMIN_EMAIL belongs to an existing non-admin account/);

    const login_ = await login(app, email, TEST_PASSWORD);
    expect(login_.statusCode).toBe(200);
    expect(login_.json().user).toMatchObject({ id: squatter.user.id, role: 'user' });
    expect((await login(app, email, ADMIN_PASSWORD)).statusCode).toBe(401);
  });

  it('starts normally when the ADMIN_EMAIL account is already an admin', async () => {
    const email = uniqueEmail('admin');
    await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD });
    const again = await start({ ADMIN_EMAIL: email, ADMIN_PASSWORD });
    const response = await login(again, email, ADMIN_PASSWORD);
    expect(response.json().user.role).toBe('admin');
  });

  it('makes nobody admin without ADMIN_EMAIL, and registration never does', async () => {
    const app = await start({});
    const session = await register(app);
    expect(session.user.role).toBe('user');
  });
});
