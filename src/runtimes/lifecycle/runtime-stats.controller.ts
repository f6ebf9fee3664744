import { ExecutorApi } from '../http/executor-api.decorator';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ExecutorStats, RuntimeStatsService } from './runtime-stats.service';

@ExecutorApi()
@Controller('v1/health')
export class RuntimeStatsController {
  constructor(private readonly stats: RuntimeStatsService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Cached CPU and memory use of the host and of every runtime' })
  @ApiOkResponse({
    description: '{usage, runtimes: {<name>: {status, usage, memoryBytes}}, collectedAt}',
  })
  get(): ExecutorStats {
    return this.stats.current();
  }
}
