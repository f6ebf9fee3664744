import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCode } from '../../common';
import { AuthenticatedRequest, AuthenticatedUser } from '../authenticated-user';
import { invalidAccessToken, JWT_STRATEGY } from './jwt.strategy';
import { routeAccess } from './route-access';

/**
 * The global guard: every route needs a valid user access token unless it is `@Public()` or an
 * `@ExecutorAuth()` route under `/v1` (which has its own guard).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  override canActivate(context: ExecutionContext) {
    const access = routeAccess(context.getHandler(), context.getClass());
    if (access !== 'user') return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: TUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    // Token problems arrive as AppErrors; anything else (Redis or Postgres down) stays a 5xx.
    if (error) throw error instanceof Error ? error : invalidAccessToken();
    if (user) return user;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.headers.authorization === undefined) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'An access token is required.');
    }
    throw invalidAccessToken();
  }
}
