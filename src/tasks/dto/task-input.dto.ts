import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import { ByteLength } from '../../common/validation/byte-length.validator';
import { SCRIPT_TYPES, ScriptType } from '../task.entity';

export const SCRIPT_MAX_BYTES = 64 * 1024;
export const METADATA_MAX_BYTES = 16 * 1024;

/** A plain JSON object whose encoding is at most `max` bytes. */
function JsonObjectSize(max: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'jsonObjectSize',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a JSON object of at most ${max} bytes` },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Buffer.byteLength(JSON.stringify(value)) <= max,
      },
    });
}

export class CreateTaskDto {
  @ApiProperty({ minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({ description: 'The program, 1 byte to 64 KiB' })
  @IsString()
  @ByteLength(1, SCRIPT_MAX_BYTES)
  script_content!: string;

  @ApiProperty({ enum: SCRIPT_TYPES, description: 'A language of GET /api/v1/languages' })
  @IsIn(SCRIPT_TYPES, { message: `script_type must be one of: ${SCRIPT_TYPES.join(', ')}` })
  script_type!: ScriptType;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 5, description: 'Higher runs first' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3600,
    description: "Default: the language's (GET /api/v1/languages)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  timeout_seconds?: number;

  @ApiPropertyOptional({
    minimum: 16,
    maximum: 4096,
    description: "Default: the language's (GET /api/v1/languages)",
  })
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(4096)
  memory_mb?: number;

  @ApiPropertyOptional({ minimum: 0.1, maximum: 4, default: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(4)
  cpus?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, default: {} })
  @IsOptional()
  @IsObject()
  @JsonObjectSize(METADATA_MAX_BYTES)
  metadata?: Record<string, unknown>;
}

/** Full or partial update: every field optional, same rules. */
export class UpdateTaskDto extends PartialType(CreateTaskDto) {}
