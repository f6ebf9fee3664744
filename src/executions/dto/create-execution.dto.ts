import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min, registerDecorator } from 'class-validator';
import { ByteLength } from '../../common/validation/byte-length.validator';
import { ENV_NAME, envBytes, SANDBOX_LIMITS } from '../sandbox/sandbox-request.validation';

export const STDIN_MAX_BYTES = 1024 * 1024;
export const ENV_MAX_ENTRIES = 64;
const ENV_VALUE_MAX_BYTES = 32 * 1024;
/** What the sandbox accepts in all (`NAME=value` pairs), so the API never queues a run it refuses. */
export const ENV_TOTAL_MAX_BYTES = SANDBOX_LIMITS.maxEnvBytes;

function IsEnvMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEnvMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be an object of at most ${ENV_MAX_ENTRIES} NAME: "value" pairs (names like MY_VAR of at most 128 characters, values up to 32 KiB, ${ENV_TOTAL_MAX_BYTES / 1024} KiB in all)`,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= ENV_MAX_ENTRIES &&
          Object.entries(value).every(
            ([name, entry]) =>
              ENV_NAME.test(name) &&
              typeof entry === 'string' &&
              Buffer.byteLength(entry) <= ENV_VALUE_MAX_BYTES,
          ) &&
          envBytes(value as Record<string, string>) <= ENV_TOTAL_MAX_BYTES,
      },
    });
}

export class CreateExecutionDto {
  @ApiPropertyOptional({ description: 'Standard input of the program, at most 1 MiB' })
  @IsOptional()
  @IsString()
  @ByteLength(0, STDIN_MAX_BYTES)
  stdin?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Environment variables: at most 64, names like MY_VAR (128 characters at most), values up to 32 KiB, 64 KiB in all',
  })
  @IsOptional()
  @IsEnvMap()
  env?: Record<string, string>;

  @ApiPropertyOptional({ minimum: 1, maximum: 3600, description: "Overrides the task's timeout" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  timeout_seconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: "Overrides the task's priority" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;
}
