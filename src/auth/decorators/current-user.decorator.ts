import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common';
import type {
  AuthenticatedRequest,
  AuthenticatedUser,
  PresentedAccessToken,
} from '../authenticated-user';

/** The signed-in caller `{id, email, role}` of a user-authenticated route. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, 'An access token is required.');
    return user;
  },
);

/** The `jti` and expiry of the access token that authenticated the request. */
export const CurrentAccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PresentedAccessToken => {
    const token = context.switchToHttp().getRequest<AuthenticatedRequest>().accessToken;
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'An access token is required.');
    return token;
  },
);
