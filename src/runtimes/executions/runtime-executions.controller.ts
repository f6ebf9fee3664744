import { CreateRuntimeExecutionBodyDto } from '../dto/runtime-request-bodies.dto';
import { ExecutorApi } from '../http/executor-api.decorator';
import { Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorErrorDto } from '../dto/runtime.dto';
import { ExecutorParams } from '../http/executor-params.decorator';
import { parseCreateExecutionParams } from '../params/runtime-params';
import { wantsHeaderArrays } from './execution-result';
import { acceptsJson, encodeExecution } from './execution-response.writer';
import { RuntimeExecutionsService } from './runtime-executions.service';

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
  @ApiBody({
    type: CreateRuntimeExecutionBodyDto,
    description: 'OpenRuntimes execution parameters (JSON, multipart or urlencoded)',
  })
  @ApiProduces('multipart/form-data', 'application/json')
  @ApiOkResponse({ description: 'statusCode, headers, body, logs, errors, duration, startTime' })
  @ApiNotFoundResponse({ type: ExecutorErrorDto, description: '`runtime_not_found`' })
  async create(
    @Param('runtimeId') runtimeId: string,
    @ExecutorParams() params: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Headers('x-executor-response-format') responseFormat: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseCreateExecutionParams(
      runtimeId,
      params,
      this.config.executor.runtimeVersions,
    );
    const result = await this.executions.execute(parsed, {
      headerArrays: wantsHeaderArrays(responseFormat),
    });
    const encoded = encodeExecution(result, acceptsJson(accept));
    await reply.status(200).header('content-type', encoded.contentType).send(encoded.body);
  }

  /** The singular path older callers use; the same operation. */
  @Post(':runtimeId/execution')
  @HttpCode(200)
  @ApiOperation({ summary: 'Alias of POST /v1/runtimes/{runtimeId}/executions', deprecated: true })
  @ApiBody({ type: CreateRuntimeExecutionBodyDto })
  @ApiProduces('multipart/form-data', 'application/json')
  @ApiOkResponse({ description: 'As POST /v1/runtimes/{runtimeId}/executions' })
  createViaSingularPath(
    @Param('runtimeId') runtimeId: string,
    @ExecutorParams() params: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Headers('x-executor-response-format') responseFormat: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.create(runtimeId, params, accept, responseFormat, reply);
  }
}
