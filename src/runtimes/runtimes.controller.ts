import { CreateRuntimeBodyDto, RuntimeCommandBodyDto } from './dto/runtime-request-bodies.dto';
import { ExecutorApi } from './http/executor-api.decorator';
import { Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
} from '@nestjs/swagger';
import { InjectConfig, RuncellConfig } from '../config';
import {
  CommandResponseDto,
  CreateRuntimeResponseDto,
  ExecutorErrorDto,
  RuntimeDto,
} from './dto/runtime.dto';
import { ExecutorParams } from './http/executor-params.decorator';
import {
  parseCommandParams,
  parseLogsParams,
  parseCreateRuntimeParams,
  parseRuntimeIdParam,
} from './params/runtime-params';
import { RuntimeCommandsService } from './commands/runtime-commands.service';
import { BuildLogStreamService } from './builds/build-log-stream.service';
import { RuntimesService } from './runtimes.service';

const JSON_UTF8 = 'application/json; charset=UTF-8';

@ExecutorApi()
@Controller('v1/runtimes')
export class RuntimesController {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly runtimes: RuntimesService,
    private readonly commands: RuntimeCommandsService,
    private readonly buildLogs: BuildLogStreamService,
  ) {}

  @Post()
  @HttpCode(201)
  @Header('content-type', JSON_UTF8)
  @ApiOperation({ summary: 'Create a runtime container' })
  @ApiBody({
    type: CreateRuntimeBodyDto,
    description: 'OpenRuntimes create parameters (JSON, multipart or urlencoded)',
  })
  @ApiCreatedResponse({ type: CreateRuntimeResponseDto })
  @ApiConflictResponse({ type: ExecutorErrorDto, description: '`runtime_conflict`' })
  create(@ExecutorParams() params: Record<string, unknown>) {
    return this.runtimes.create(
      parseCreateRuntimeParams(params, this.config.executor.runtimeVersions),
    );
  }

  @Get()
  @Header('content-type', JSON_UTF8)
  @ApiOperation({ summary: 'List the runtimes of this executor' })
  @ApiOkResponse({ type: [RuntimeDto] })
  list(): RuntimeDto[] {
    return this.runtimes.list();
  }

  @Get(':runtimeId')
  @Header('content-type', JSON_UTF8)
  @ApiOperation({ summary: 'Get one runtime' })
  @ApiOkResponse({ type: RuntimeDto })
  @ApiNotFoundResponse({ type: ExecutorErrorDto, description: '`runtime_not_found`' })
  get(@Param('runtimeId') runtimeId: string): RuntimeDto {
    return this.runtimes.get(parseRuntimeIdParam(runtimeId));
  }

  @Delete(':runtimeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a runtime container' })
  @ApiOkResponse({ description: 'Empty body' })
  @ApiNotFoundResponse({ type: ExecutorErrorDto, description: '`runtime_not_found`' })
  async delete(@Param('runtimeId') runtimeId: string): Promise<void> {
    await this.runtimes.delete(parseRuntimeIdParam(runtimeId));
  }

  @Get(':runtimeId/logs')
  @ApiOperation({ summary: 'Follow the build log of a runtime being created' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Lines `<timestamp> <content>` until the build ends' })
  async logs(
    @Param('runtimeId') runtimeId: string,
    @Query('timeout') timeout: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseLogsParams(runtimeId, { timeout });
    const stream = await this.buildLogs.open(
      this.runtimes.runtimeName(parsed.runtimeId),
      parsed.timeout,
    );
    await reply
      .status(200)
      .header('content-type', 'text/event-stream')
      .header('cache-control', 'no-cache')
      .send(stream);
  }

  @Post(':runtimeId/commands')
  @HttpCode(200)
  @Header('content-type', JSON_UTF8)
  @ApiOperation({ summary: 'Run a shell command inside a runtime' })
  @ApiBody({ type: RuntimeCommandBodyDto })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiNotFoundResponse({ type: ExecutorErrorDto, description: '`runtime_not_found`' })
  runCommand(
    @Param('runtimeId') runtimeId: string,
    @ExecutorParams() params: Record<string, unknown>,
  ): Promise<CommandResponseDto> {
    const parsed = parseCommandParams(runtimeId, params);
    return this.commands.run(
      this.runtimes.runtimeName(parsed.runtimeId),
      parsed.command,
      parsed.timeout,
    );
  }
}
