import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '../../common';
import { AuthenticatedRequest } from '../authenticated-user';
import { ROLES } from '../decorators/roles.decorator';
import type { UserRole } from '../users/user.entity';

/** Enforces `@Roles(...)`; runs after the authentication guard. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles === undefined) return true;
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'An access token is required.');
    if (!roles.includes(user.role)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Your role does not allow this action.');
    }
    return true;
  }
}
