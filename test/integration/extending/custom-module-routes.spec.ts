import { Body, Controller, Get, Injectable, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, Max, Min } from 'class-validator';
import { AdminOnly, CurrentUser, type AuthenticatedUser } from '../../../src/auth';
import { AppError, ErrorCode, Public } from '../../../src/common';
import { TasksService } from '../../../src/tasks/tasks.service';
import { TasksModule } from '../../../src/tasks/tasks.module';
import { startTestApp, testConfig } from '../../support/test-app';
import { registerUser, TestUser } from '../../support/users';

class ReportInputDto {
  @IsInt()
  @Min(1)
  @Max(365)
  days!: number;
}

/** The example module of `docs/extending.md`: its own routes, using a Runcell service. */
@Injectable()
class ReportsService {
  constructor(private readonly tasks: TasksService) {}

  async taskName(user: AuthenticatedUser, taskId: string): Promise<string> {
    return (await this.tasks.get(user, taskId)).name;
  }
}

@Controller('api/v1/acme/reports')
class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Public()
  @Get('status')
  status() {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { email: user.email };
  }

  @AdminOnly()
  @Get('admin')
  admin() {
    return { secret: 'admins only' };
  }

  @Post()
  create(@Body() input: ReportInputDto) {
    return { days: input.days };
  }

  @Get('missing')
  missing(): never {
    throw new AppError(ErrorCode.TASK_NOT_FOUND, 'No report for that task');
  }

  @Get('broken')
  broken(): never {
    throw new Error('database password is hunter2');
  }

  @Get('task')
  async task(@CurrentUser() user: AuthenticatedUser) {
    return { name: await this.reports.taskName(user, '00000000-0000-4000-8000-000000000000') };
  }
}

@Module({ imports: [TasksModule], controllers: [ReportsController], providers: [ReportsService] })
class ReportsModule {}

describe('AppOptions.imports: a module of your own with routes', () => {
  let sut: NestFastifyApplication;
  let alice: TestUser;

  beforeAll(async () => {
    sut = await startTestApp(testConfig({ APP_ROLE: 'api', RATE_LIMITS_ENABLED: 'false' }), {
      imports: [ReportsModule],
    });
    alice = await registerUser(sut, 'Alice');
  });

  afterAll(async () => {
    await sut?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    sut.inject({ method: 'GET', url: `/api/v1/acme/reports${url}`, headers });

  it('is behind the global auth guard unless a route says @Public()', async () => {
    expect((await get('/status')).json()).toEqual({ status: 'ok' });

    const anonymous = await get('/me');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({
      error: { code: 'UNAUTHENTICATED', request_id: expect.any(String) },
    });

    const signedIn = await get('/me', alice.auth);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual({ email: alice.email });
  });

  it('gets the role guard', async () => {
    const response = await get('/admin', alice.auth);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('gets the validation pipe and its error envelope', async () => {
    const response = await sut.inject({
      method: 'POST',
      url: '/api/v1/acme/reports',
      headers: alice.auth,
      payload: { days: 1000, extra: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('renders coded errors, and unexpected ones without their message', async () => {
    const missing = await get('/missing', alice.auth);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      error: { code: 'TASK_NOT_FOUND', message: 'No report for that task' },
    });

    const broken = await get('/broken', alice.auth);
    expect(broken.statusCode).toBe(500);
    expect(broken.json()).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
    expect(broken.body).not.toContain('hunter2');
  });

  it('uses the services Runcell modules export, with their rules', async () => {
    const response = await get('/task', alice.auth);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
  });
});
