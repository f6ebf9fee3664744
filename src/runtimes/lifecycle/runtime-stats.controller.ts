import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ExecutorAuth } from '../../common';
import { ExecutorErrorDto } from '../dto/runtime.dto';
import { ExecutorAuthGuard } from '../http/executor-auth.guard';
import { ExecutorStats, RuntimeStatsService } from './runtime-stats.service';

@ApiTags('executor')
@ApiBearerAuth('executor')
@ApiUnauthorizedResponse({ type: ExecutorErrorDto, description: '`general_unauthorized`' })
@ExecutorAuth()
@UseGuards(ExecutorAuthGuard)
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
