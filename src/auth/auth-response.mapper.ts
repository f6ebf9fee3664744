import { AuthTokensDto, UserDto } from './dto/auth-response.dto';
import type { SignedAccessToken } from './tokens/access-token.service';
import type { UserAccount } from './users/user-account';

export function toUserDto(user: UserAccount): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    created_at: user.createdAt.toISOString(),
  };
}

export function toAuthTokensDto(
  access: SignedAccessToken,
  refreshToken: string,
  user: UserAccount,
): AuthTokensDto {
  return {
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    user: toUserDto(user),
  };
}
