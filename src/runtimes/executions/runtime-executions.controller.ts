import { CreateRuntimeExecutionBodyDto } from '../dto/runtime-request-bodies.dto';
import { ExecutorApi } from '../http/executor-api.decorator';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorErrorDto } from '../dto/runtime.dto';
import { readExecutorParams } from '../http/executor-params.decorator';
import { parseCreateExecutionParams } from '../params/runtime-params';
import { wantsHeaderArrays } from './execution-result';
import { acceptsJson, encodeExecution } from './execution-response.writer';
import { RuntimeExecutionsService } from './runtime-executions.service';

/**
 * The hottest route of the service. It takes the raw request instead of one decorated parameter
 * per value: every decorated parameter costs a chain of promises through the pipe machinery on
 * each call, and none of these values has a DTO to validate.
 */
@ExecutorApi()
@Controller('v1/runtimes')
export class RuntimeExecutionsController {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly executions: RuntimeExecutionsService,
  ) {}

  @Post(':runtimeId/executions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one request through a runtime, starting it when missing' })
  @ApiParam({ name: 'runtimeId', type: String })
  @ApiBody({
    type: CreateRuntimeExecutionBodyDto,
    description: 'OpenRuntimes execution parameters (JSON, multipart or urlencoded)',
  })
  @ApiProduces('multipart/form-data', 'application/json')
  @ApiOkResponse({ description: 'statusCode, headers, body, logs, errors, duration, startTime' })
  @ApiNotFoundResponse({ type: ExecutorErrorDto, description: '`runtime_not_found`' })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { runtimeId } = request.params as { runtimeId: string };
    const parsed = parseCreateExecutionParams(
      runtimeId,
      readExecutorParams(request),
      this.config.executor.runtimeVersions,
    );
    const result = await this.executions.execute(parsed, {
      headerArrays: wantsHeaderArrays(headerValue(request, 'x-executor-response-format')),
    });
    const encoded = encodeExecution(result, acceptsJson(headerValue(request, 'accept')));
    await reply.status(200).header('content-type', encoded.contentType).send(encoded.body);
  }

  /** The singular path older callers use; the same operation. */
  @Post(':runtimeId/execution')
  @HttpCode(200)
  @ApiOperation({ summary: 'Alias of POST /v1/runtimes/{runtimeId}/executions', deprecated: true })
  @ApiParam({ name: 'runtimeId', type: String })
  @ApiBody({ type: CreateRuntimeExecutionBodyDto })
  @ApiProduces('multipart/form-data', 'application/json')
  @ApiOkResponse({ description: 'As POST /v1/runtimes/{runtimeId}/executions' })
  createViaSingularPath(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.create(request, reply);
  }
}

/** What `@Headers(name)` gives; Node joins repeated `accept` and `x-` headers into one string. */
function headerValue(request: FastifyRequest, name: string): string | undefined {
  return request.headers[name] as string | undefined;
}
