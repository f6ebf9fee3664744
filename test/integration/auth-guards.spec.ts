import { Controller, Get, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../src/app.module';
import { AdminOnly, AuthenticatedUser, CurrentUser, RateLimit } from '../../src/auth';
import { AllExceptionsFilter, ExecutorAuth } from '../../src/common';
import { bearer, register, Session, uniqueEmail } from '../support/auth-helpers';
import { testConfig } from '../support/test-app';

@Controller('api/v1/probe')
class UserProbeController {
  @Get('whoami')
  whoami(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @AdminOnly()
  @Get('admin')
  adminOnly(): { ok: true } {
    return { ok: true };
  }

  @RateLimit('taskCreate')
  @Post('tasks')
  createTask(): { ok: true } {
    return { ok: true };
  }
}

/** Stands in for the executor API: its own guard would check the secret. */
@ExecutorAuth()
@Controller('v1/probe')
class ExecutorProbeController {
  @Get()
  reached(): { reached: true } {
    return { reached: true };
  }
}

/** `@ExecutorAuth()` outside `/v1` must not open a route. */
@ExecutorAuth()
@Controller('api/v1/misplaced-executor')
class MisplacedExecutorController {
  @Get()
  reached(): { reached: true } {
    return { reached: true };
  }
}

describe('global guards on routes other modules will add', () => {
  const adminEmail = uniqueEmail('admin');
  const adminPassword = 'probe admin password';
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    const config = testConfig({
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      QUEUE_PREFIX: `test-guards-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_TASK_CREATE: '2/3600',
      RATE_LIMIT_USER: '1000/3600',
      RATE_LIMIT_REGISTER: '100/3600',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config)],
      controllers: [UserProbeController, ExecutorProbeController, MisplacedExecutorController],
    }).compile();
    sut = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    sut.useGlobalFilters(new AllExceptionsFilter());
    await sut.init();
    await sut.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await sut.close();
  });

  function get(url: string, token?: string) {
    return sut.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });
  }

  it('@CurrentUser() gives {id, email, role} of the caller', async () => {
    const session = await register(sut);
    const response = await get('/api/v1/probe/whoami', session.access_token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: session.user.id,
      email: session.user.email,
      role: 'user',
    });
  });

  it('@AdminOnly() answers 403 FORBIDDEN to a user and 200 to an admin', async () => {
    const user = await register(sut);
    const forbidden = await get('/api/v1/probe/admin', user.access_token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({
      error: { code: 'FORBIDDEN', message: expect.any(String), request_id: expect.any(String) },
    });

    const login = await sut.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: adminEmail, password: adminPassword },
    });
    const admin = login.json<Session>();
    expect((await get('/api/v1/probe/admin', admin.access_token)).statusCode).toBe(200);
  });

  it('@AdminOnly() answers 401 before 403 when no token is sent', async () => {
    const response = await get('/api/v1/probe/admin');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('@RateLimit("taskCreate") applies its own per-user limit', async () => {
    const alice = await register(sut);
    const bob = await register(sut);
    const create = (token: string) =>
      sut.inject({ method: 'POST', url: '/api/v1/probe/tasks', headers: bearer(token) });
    expect((await create(alice.access_token)).statusCode).toBe(201);
    expect((await create(alice.access_token)).statusCode).toBe(201);
    const limited = await create(alice.access_token);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await create(bob.access_token)).statusCode).toBe(201);
    expect((await get('/api/v1/probe/whoami', alice.access_token)).statusCode).toBe(200);
  });

  it('leaves an @ExecutorAuth() route under /v1 to its own guard', async () => {
    const response = await get('/v1/probe');
    expect(response.statusCode).toBe(200);
  });

  it('still requires a user token on an @ExecutorAuth() route outside /v1', async () => {
    const response = await get('/api/v1/misplaced-executor');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });
});
