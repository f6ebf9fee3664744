import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A row of the executor's state table, as `GET /v1/runtimes` returns it. */
export class RuntimeDto {
  @ApiProperty({ example: 'v5' }) version!: string;
  @ApiProperty({ description: 'Epoch seconds', example: 1763900000.123 }) created!: number;
  @ApiProperty({ description: 'Epoch seconds', example: 1763900003.5 }) updated!: number;
  @ApiProperty({ example: 'executor-my-runtime' }) name!: string;
  @ApiProperty({ description: 'Container hostname (32 hex characters)' }) hostname!: string;
  @ApiProperty({ example: 'Up 3.21s' }) status!: string;
  @ApiProperty({ description: 'The runtime secret (32 hex characters)' }) key!: string;
  @ApiProperty({ enum: [0, 1] }) listening!: number;
  @ApiProperty({ example: 'openruntimes/node:v5-22' }) image!: string;
  @ApiProperty({ enum: [0, 1] }) initialised!: number;
}

export class BuildOutputEntryDto {
  @ApiProperty({ example: '2025-01-01T10:00:00.123+00:00' }) timestamp!: string;
  @ApiProperty() content!: string;
}

export class CreateRuntimeResponseDto {
  @ApiProperty({ type: [BuildOutputEntryDto] }) output!: BuildOutputEntryDto[];
  @ApiProperty({ description: 'Epoch seconds' }) startTime!: number;
  @ApiProperty({ description: 'Seconds' }) duration!: number;
  @ApiPropertyOptional({ description: 'Artifact size in bytes (with `destination`)' })
  size?: number;
  @ApiPropertyOptional({ description: 'Artifact path `<destination>/<uniqid>.gz`' })
  path?: string;
}

export class CommandResponseDto {
  @ApiProperty({ description: 'Combined stdout and stderr' }) output!: string;
}

/** The body of an OpenRuntimes error. */
export class ExecutorErrorDto {
  @ApiProperty({ example: 'runtime_not_found' }) type!: string;
  @ApiProperty({ example: 'Runtime not found' }) message!: string;
  @ApiProperty({ example: 404 }) code!: number;
  @ApiProperty({ example: '0.1.0' }) version!: string;
}
