import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { RateLimit } from '../auth/rate-limit/rate-limit.decorator';
import { UuidPipe } from '../common';
import { ListTasksQueryDto } from './dto/list-tasks.query';
import { CreateTaskDto, UpdateTaskDto } from './dto/task-input.dto';
import { TaskDto, TaskPageDto } from './dto/task.dto';
import { TaskChangesService } from './task-changes.service';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth('user')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly changes: TaskChangesService,
  ) {}

  @Post()
  @RateLimit('taskCreate')
  @ApiOperation({ summary: 'Store a task (a program to run later)' })
  @ApiCreatedResponse({ type: TaskDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() input: CreateTaskDto): Promise<TaskDto> {
    return this.tasks.create(user, input);
  }

  @Get()
  @ApiOperation({ summary: 'Your tasks, newest first by default, keyset-paginated' })
  @ApiOkResponse({ type: TaskPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListTasksQueryDto,
  ): Promise<TaskPageDto> {
    return this.tasks.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: TaskDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<TaskDto> {
    return this.tasks.get(user, id);
  }

  @Put(':id')
  @ApiOperation({
    summary:
      'Full or partial update; the script cannot change while an execution is queued or running',
  })
  @ApiOkResponse({ type: TaskDto })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() input: UpdateTaskDto,
  ): Promise<TaskDto> {
    return this.changes.update(user, id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a task; `force=true` cancels its queued and running executions first',
  })
  @ApiQuery({ name: 'force', required: false, type: Boolean })
  @ApiNoContentResponse()
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Query('force') force?: string,
  ): Promise<void> {
    await this.changes.delete(user, id, force === 'true' || force === '1');
  }
}
