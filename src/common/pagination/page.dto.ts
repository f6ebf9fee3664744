import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({
    description: 'Opaque cursor from the previous page (`pagination.next_cursor`)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

export class PaginationDto {
  @ApiProperty({ example: 20 })
  limit!: number;

  @ApiProperty()
  has_more!: boolean;

  @ApiProperty({ nullable: true, type: String })
  next_cursor!: string | null;
}
