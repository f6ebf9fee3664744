import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../common/pagination';
import { SCRIPT_TYPES, TASK_STATUSES } from '../task.entity';

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() script_content!: string;
  @ApiProperty({ enum: SCRIPT_TYPES }) script_type!: string;
  @ApiProperty() priority!: number;
  @ApiProperty() timeout_seconds!: number;
  @ApiProperty() memory_mb!: number;
  @ApiProperty() cpus!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ enum: TASK_STATUSES, description: 'Mirrors the latest execution' })
  status!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) last_execution_id!: string | null;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) tasks!: TaskDto[];
  @ApiProperty({ type: PaginationDto }) pagination!: PaginationDto;
}
