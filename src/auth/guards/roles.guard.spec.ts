import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../common';
import { AuthenticatedUser } from '../authenticated-user';
import { AdminOnly } from '../decorators/roles.decorator';
import { RolesGuard } from './roles.guard';

@Controller('things')
class ThingsController {
  @Get()
  list(): void {}

  @AdminOnly()
  @Get('all')
  listAll(): void {}
}

function contextFor(handler: keyof ThingsController, user?: AuthenticatedUser): ExecutionContext {
  return {
    getHandler: () => ThingsController.prototype[handler],
    getClass: () => ThingsController,
    switchToHttp: () => ({ getRequest: () => ({ user, headers: {} }) }),
  } as unknown as ExecutionContext;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
}

describe('RolesGuard', () => {
  const sut = new RolesGuard(new Reflector());
  const user: AuthenticatedUser = { id: 'u1', email: 'u@example.com', role: 'user' };
  const admin: AuthenticatedUser = { id: 'a1', email: 'a@example.com', role: 'admin' };

  it('lets anyone signed in through a route without roles', () => {
    expect(sut.canActivate(contextFor('list', user))).toBe(true);
  });

  it('lets an admin through an admin-only route', () => {
    expect(sut.canActivate(contextFor('listAll', admin))).toBe(true);
  });

  it('refuses a plain user on an admin-only route with FORBIDDEN', () => {
    expect(codeOf(() => sut.canActivate(contextFor('listAll', user)))).toBe('FORBIDDEN');
  });

  it('refuses a caller without a user with UNAUTHENTICATED', () => {
    expect(codeOf(() => sut.canActivate(contextFor('listAll')))).toBe('UNAUTHENTICATED');
  });
});
