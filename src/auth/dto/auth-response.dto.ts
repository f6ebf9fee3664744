import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, type UserRole } from '../users/user.entity';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class AuthTokensDto {
  @ApiProperty({ description: 'JWT (HS256) for `Authorization: Bearer`' })
  access_token!: string;

  @ApiProperty({ description: 'Opaque, single use: exchange it at /refresh for a new pair' })
  refresh_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Lifetime of the access token in seconds', example: 900 })
  expires_in!: number;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class MeDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;
}
