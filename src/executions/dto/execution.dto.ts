import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../common/pagination';
import { EXECUTION_STATUSES } from '../execution.entity';

export class ExecutionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) task_id!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) exit_code!: number | null;
  @ApiProperty() stdout!: string;
  @ApiProperty() stderr!: string;
  @ApiProperty() stdout_truncated!: boolean;
  @ApiProperty() stderr_truncated!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Infrastructure error, or an admin resolution reason',
  })
  error!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) queued_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ nullable: true, type: Number }) queue_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) run_ms!: number | null;
  @ApiProperty({ nullable: true, type: Number }) memory_peak_bytes!: number | null;
  @ApiProperty({ nullable: true, type: Number }) cpu_ms!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['completed', 'failed', 'timeout', 'cancelled'],
    description: 'Compile stage of compiled languages (null otherwise)',
  })
  compile_status!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The compiler's messages" })
  compile_output!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) compile_output_truncated!: boolean | null;
  @ApiProperty({ nullable: true, type: Number }) compile_exit_code!: number | null;
  @ApiProperty({ nullable: true, type: Number }) compile_duration_ms!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class ExecutionPageDto {
  @ApiProperty({ type: [ExecutionDto] }) executions!: ExecutionDto[];
  @ApiProperty({ type: PaginationDto }) pagination!: PaginationDto;
}
