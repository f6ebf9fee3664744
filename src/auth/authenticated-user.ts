import type { UserRole } from './users/user.entity';

/** The caller of a user-authenticated route, as `@CurrentUser()` gives it. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  role: UserRole;
}

/** The access token that authenticated the request (for logout). */
export interface PresentedAccessToken {
  jti: string;
  exp: number;
}

/** What the guards attach to the Fastify request. */
export interface AuthenticatedRequest {
  user?: AuthenticatedUser;
  accessToken?: PresentedAccessToken;
  headers: Record<string, string | string[] | undefined>;
}
