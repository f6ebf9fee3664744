import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/account-rules';
import { MAX_EMAIL_LENGTH } from '../users/email';
import { IsAccountEmail, NormalizedEmail, Trimmed } from './account-fields';

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: MAX_EMAIL_LENGTH })
  @NormalizedEmail()
  @IsString()
  @MaxLength(MAX_EMAIL_LENGTH)
  @IsAccountEmail()
  email!: string;

  @ApiProperty({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description: 'Must differ from the email',
    format: 'password',
  })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: MAX_NAME_LENGTH })
  @Trimmed()
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  name!: string;
}
