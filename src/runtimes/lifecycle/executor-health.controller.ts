import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { LegacyHealth, legacyHealth } from './legacy-health';
import { RuntimeStatsService } from './runtime-stats.service';
import { RuntimeRegistry } from '../registry/runtime-registry.service';

@ApiTags('executor')
@Public()
@Controller('v1/health')
export class ExecutorHealthController {
  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly stats: RuntimeStatsService,
    private readonly registry: RuntimeRegistry,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'OpenRuntimes executor health: `OK`, or with `URT_HEALTH_STATS` the legacy JSON ' +
      '(status, host usage, runtimes by id) the open-runtimes proxy balances on',
  })
  @ApiProduces('text/plain', 'application/json')
  @ApiOkResponse({ description: '`OK`, or `{status: "pass", usage, runtimes: {<id>: {...}}}`' })
  health(@Res({ passthrough: true }) reply: FastifyReply): string | LegacyHealth {
    if (!this.config.executor.healthStats) {
      reply.header('content-type', 'text/plain; charset=UTF-8');
      return 'OK';
    }
    reply.header('content-type', 'application/json');
    return legacyHealth(this.stats.current(), this.registry, this.config.executor.hostname);
  }
}
