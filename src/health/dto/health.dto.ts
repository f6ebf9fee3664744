import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 42 })
  uptime_seconds!: number;

  @ApiProperty({ example: '0.1.0' })
  version!: string;
}

export class ReadinessDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: { database: 'up', redis: 'up', docker: 'up', storage: 'up' } })
  checks!: Record<string, string>;
}
