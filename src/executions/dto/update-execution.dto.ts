import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export const SETTABLE_STATUSES = ['cancelled', 'completed', 'failed', 'timeout'] as const;

export class UpdateExecutionDto {
  @ApiProperty({
    enum: SETTABLE_STATUSES,
    description:
      'Owners may only cancel; admins may set any terminal status to resolve a stuck execution',
  })
  @IsIn(SETTABLE_STATUSES)
  status!: (typeof SETTABLE_STATUSES)[number];

  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'Why an admin resolved the execution (stored in `error`)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}
