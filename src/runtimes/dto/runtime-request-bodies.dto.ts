import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The documented shape of the `/v1` request bodies. They are parsed like the PHP executor's
 * params (`params/runtime-params.ts`, which holds the rules), not validated by these classes.
 */
export class CreateRuntimeBodyDto {
  @ApiProperty({ maxLength: 64, example: 'my-function' })
  runtimeId!: string;

  @ApiProperty({ maxLength: 128, example: 'openruntimes/node:v5-22' })
  image!: string;

  @ApiPropertyOptional({ maxLength: 256, example: 'index.js' })
  entrypoint?: string;

  @ApiPropertyOptional({ description: 'Path of the source archive on the storage device' })
  source?: string;

  @ApiPropertyOptional({ description: 'Storage folder the build artifact is uploaded to' })
  destination?: string;

  @ApiPropertyOptional()
  outputDirectory?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  variables?: Record<string, string>;

  @ApiPropertyOptional({ maxLength: 1024 })
  runtimeEntrypoint?: string;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Build command' })
  command?: string;

  @ApiPropertyOptional({ maxLength: 128 })
  cacheKey?: string;

  @ApiPropertyOptional({ default: 600, description: 'Build timeout in seconds' })
  timeout?: number;

  @ApiPropertyOptional({ default: false, description: 'Remove the runtime after the build' })
  remove?: boolean;

  @ApiPropertyOptional({ default: 1 })
  cpus?: number;

  @ApiPropertyOptional({ default: 512, description: 'MB' })
  memory?: number;

  @ApiPropertyOptional({ enum: ['v2', 'v4', 'v5'], default: 'v5' })
  version?: string;

  @ApiPropertyOptional({ enum: ['no', 'always', 'on-failure', 'unless-stopped'], default: 'no' })
  restartPolicy?: string;
}

export class CreateRuntimeExecutionBodyDto {
  @ApiPropertyOptional({ description: 'Request body for the function (binary in multipart)' })
  body?: string;

  @ApiPropertyOptional({ maxLength: 2048, default: '/' })
  path?: string;

  @ApiPropertyOptional({
    enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'],
    default: 'GET',
  })
  method?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ default: 15, description: 'Seconds' })
  timeout?: number;

  @ApiPropertyOptional({ default: true })
  logging?: boolean;

  @ApiPropertyOptional({ description: 'For a cold start: the runtime image' })
  image?: string;

  @ApiPropertyOptional({ description: 'For a cold start: the built artifact' })
  source?: string;

  @ApiPropertyOptional({ maxLength: 256 })
  entrypoint?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  variables?: Record<string, string>;

  @ApiPropertyOptional({ default: 1 })
  cpus?: number;

  @ApiPropertyOptional({ default: 512, description: 'MB' })
  memory?: number;

  @ApiPropertyOptional({ enum: ['v2', 'v4', 'v5'], default: 'v5' })
  version?: string;

  @ApiPropertyOptional({ maxLength: 1024 })
  runtimeEntrypoint?: string;

  @ApiPropertyOptional({ enum: ['no', 'always', 'on-failure', 'unless-stopped'], default: 'no' })
  restartPolicy?: string;
}

export class RuntimeCommandBodyDto {
  @ApiProperty({ example: 'ls -la /mnt/code' })
  command!: string;

  @ApiPropertyOptional({ default: 600, description: 'Seconds' })
  timeout?: number;
}
