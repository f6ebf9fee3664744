import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '../users/user.entity';

export const ROLES = 'runcell:roles';

/** Restricts a user route (or controller) to the given roles; others get 403 `FORBIDDEN`. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

/** Shorthand for `@Roles('admin')`. */
export const AdminOnly = () => Roles('admin');
