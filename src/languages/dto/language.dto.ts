import { ApiProperty } from '@nestjs/swagger';

export class LanguageLimitsDto {
  @ApiProperty() timeout_seconds!: number;
  @ApiProperty() memory_mb!: number;
}

export class CompileLimitsDto {
  @ApiProperty() timeout_seconds!: number;
  @ApiProperty() memory_mb!: number;
  @ApiProperty({ description: "Bytes of the compiler's messages kept" }) output_cap_bytes!: number;
  @ApiProperty({ description: 'Largest build output passed to the run' })
  build_output_max_bytes!: number;
}

export class LanguageDto {
  @ApiProperty({ example: 'go', description: 'The script_type of a task' }) name!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '1.19.8',
    description: 'Read from the sandbox image; null when the image is missing or unlabelled',
  })
  version!: string | null;
  @ApiProperty({ example: 'go' }) extension!: string;
  @ApiProperty({ description: 'Runs a compile stage before the program' }) compiled!: boolean;
  @ApiProperty({ type: LanguageLimitsDto, description: 'Limits of a task that names none' })
  defaults!: LanguageLimitsDto;
  @ApiProperty({ type: CompileLimitsDto, nullable: true }) compile!: CompileLimitsDto | null;
}

export class LanguageListDto {
  @ApiProperty({ type: [LanguageDto] }) data!: LanguageDto[];
}
