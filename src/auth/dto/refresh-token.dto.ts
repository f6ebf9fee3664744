import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `/refresh` and `/logout`. */
export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from register, login or the last refresh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refresh_token!: string;
}
