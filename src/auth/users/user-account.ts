import { UserEntity, UserRole } from './user.entity';

/** A user as other modules see it: never the password hash. */
export interface UserAccount {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date;
}

export function toUserAccount(entity: UserEntity): UserAccount {
  return {
    id: entity.id,
    email: entity.email,
    name: entity.name,
    role: entity.role,
    createdAt: entity.createdAt,
  };
}
