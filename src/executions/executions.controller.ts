import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser, PresentedAccessToken } from '../auth/authenticated-user';
import { CurrentAccessToken, CurrentUser } from '../auth/decorators/current-user.decorator';
import { RateLimit } from '../auth/rate-limit/rate-limit.decorator';
import { UuidPipe } from '../common';
import { PageQueryDto } from '../common/pagination';
import { CreateExecutionDto } from './dto/create-execution.dto';
import { ExecutionDto, ExecutionPageDto } from './dto/execution.dto';
import { UpdateExecutionDto } from './dto/update-execution.dto';
import { ExecutionsService } from './executions.service';
import { ExecutionLogsService } from './live-output/execution-logs.service';
import { startSse } from './live-output/sse-writer';
import { SynchronousExecutionsService } from './wait/synchronous-executions.service';
import { MAX_WAIT_SECONDS, WaitSecondsPipe } from './wait/wait-seconds.pipe';

const WAIT_END_HEADER = {
  description: 'With `wait`: how the wait ended',
  schema: { type: 'string', enum: ['finished', 'timeout', 'refused', 'shutdown'] },
};

@ApiTags('executions')
@ApiBearerAuth('user')
@Controller('api/v1')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly logs: ExecutionLogsService,
    private readonly synchronous: SynchronousExecutionsService,
  ) {}

  @Post('tasks/:id/executions')
  @HttpCode(202)
  @RateLimit('executionCreate')
  @ApiOperation({
    summary:
      'Run a task: queues an execution and answers at once with it, pending; with `wait`, answers 200 with the finished execution if it ends within that many seconds',
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description:
      'A retried POST with the same key returns the same execution (with `wait`, it waits for that execution too)',
  })
  @ApiQuery({
    name: 'wait',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS },
    description:
      'Seconds to wait for the execution to finish. 200 with the finished execution when it ends in time, else 202 with it still pending or running; also 202 at once when this user (`EXECUTION_WAITERS_PER_USER`) or this instance (`EXECUTION_WAITERS_MAX`) already has every waiter it may, and when the instance shuts down',
  })
  @ApiOkResponse({
    type: ExecutionDto,
    description: 'With `wait`: the execution finished in time',
    headers: { 'x-runcell-wait': WAIT_END_HEADER },
  })
  @ApiAcceptedResponse({
    type: ExecutionDto,
    description: 'The execution, pending or running',
    headers: { 'x-runcell-wait': WAIT_END_HEADER },
  })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) taskId: string,
    @Query('wait', WaitSecondsPipe) wait: number | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() input: CreateExecutionDto = {},
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<ExecutionDto> {
    if (wait === undefined)
      return this.executions.create(user, taskId, input ?? {}, idempotencyKey);
    const gone = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) gone.abort();
    };
    reply.raw.once('close', onClose);
    try {
      const { execution, finished, end } = await this.synchronous.createAndWait(
        user,
        taskId,
        input ?? {},
        idempotencyKey,
        wait,
        gone.signal,
      );
      reply.status(finished ? 200 : 202).header('x-runcell-wait', end);
      return execution;
    } finally {
      reply.raw.removeListener('close', onClose);
    }
  }

  @Get('tasks/:id/executions')
  @ApiOperation({ summary: "A task's executions, newest first" })
  @ApiOkResponse({ type: ExecutionPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) taskId: string,
    @Query() page: PageQueryDto,
  ): Promise<ExecutionPageDto> {
    return this.executions.listForTask(user, taskId, page);
  }

  @Get('executions/:id')
  @ApiOkResponse({ type: ExecutionDto })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
  ): Promise<ExecutionDto> {
    return this.executions.get(user, id);
  }

  @Get('executions/:id/logs')
  @ApiOperation({
    summary:
      'Live output as Server-Sent Events (`stdout`, `stderr`, `status`); resumes after `Last-Event-ID`. Ends when the access token expires or after `LIVE_STREAM_MAX_SECONDS`; at most `LIVE_STREAMS_PER_USER` open per user (429)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream ending with the final `status` event' })
  async logsStream(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentAccessToken() accessToken: PresentedAccessToken,
    @Param('id', UuidPipe) id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const execution = await this.executions.findReadable(user, id);
    const session = await this.logs.open(user.id, execution.id, accessToken.exp * 1000);
    reply.hijack();
    startSse(reply.raw, request.id);
    try {
      await this.logs.stream(execution, reply.raw, sanitizeEventId(lastEventId), session.endsAt);
    } catch {
      reply.raw.end();
    } finally {
      await session.release();
    }
  }

  @Put('executions/:id')
  @ApiOperation({
    summary: 'Cancel (owner) or resolve with a terminal status and a reason (admin)',
  })
  @ApiOkResponse({ type: ExecutionDto })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() input: UpdateExecutionDto,
  ): Promise<ExecutionDto> {
    return this.executions.update(user, id, input);
  }

  @Delete('executions/:id')
  @ApiOperation({
    summary: 'Cancel: a pending execution leaves the queue, a running one is killed',
  })
  @ApiOkResponse({ type: ExecutionDto })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
  ): Promise<ExecutionDto> {
    return this.executions.cancel(user, id);
  }
}

/** Redis stream ids look like `1700000000000-0`; anything else restarts from the beginning. */
function sanitizeEventId(id: string | undefined): string | undefined {
  return id && /^\d{1,20}-\d{1,20}$/.test(id) ? id : undefined;
}
