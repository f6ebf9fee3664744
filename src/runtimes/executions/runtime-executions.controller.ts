import { Controller, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ExecutorAuth } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorErrorDto } from '../dto/runtime.dto';
import { ExecutorAuthGuard } from '../http/executor-auth.guard';
import { ExecutorParams } from '../http/executor-params.decorator';
import { parseCreateExecutionParams } from '../params/runtime-params';
import { wantsHeaderArrays } from './execution-result';
import { acceptsJson, encodeExecution } from './execution-response.writer';
import { RuntimeExecutionsService } from './runtime-executions.service';

@ApiTags('executor')
@ApiBearerAuth('executor')
@ApiUnauthorizedResponse({ type: ExecutorErrorDto, description: '`general_unauthorized`' })
@ExecutorAuth()
@UseGuards(ExecutorAuthGuard)
@Controller('v1/runtimes')
export class RuntimeExecutionsController {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly executions: RuntimeExecutionsService,
  ) {}

  @Post([':runtimeId/executions', ':runtimeId/execution'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one request through a runtime, starting it when missing' })
  @ApiBody({ description: 'OpenRuntimes execution parameters (JSON, multipart or urlencoded)' })
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
}
