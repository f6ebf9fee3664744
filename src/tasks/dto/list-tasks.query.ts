import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { SCRIPT_TYPES, ScriptType, TASK_STATUSES, TaskStatus } from '../task.entity';

export const TASK_SORTS = ['created_at', 'updated_at', 'priority', 'name'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export class ListTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: SCRIPT_TYPES })
  @IsOptional()
  @IsIn(SCRIPT_TYPES)
  script_type?: ScriptType;

  @ApiPropertyOptional({ description: 'Part of the name, case-insensitive' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  q?: string;

  @ApiPropertyOptional({ enum: TASK_SORTS, default: 'created_at' })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort: TaskSort = 'created_at';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}
