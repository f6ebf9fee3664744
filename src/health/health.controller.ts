import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppError, ErrorCode, Public } from '../common';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { InjectConfig, RuncellConfig } from '../config';
import { StorageHealthIndicator } from '../storage/storage.health';
import { ContainerEngineHealthIndicator } from './container-engine.health';
import { LivenessDto, ReadinessDto } from './dto/health.dto';
import { RedisHealthIndicator } from './redis.health';

const CHECK_TIMEOUT_MS = 1500;

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly containerEngine: ContainerEngineHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly storage: StorageHealthIndicator,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers; checks nothing external' })
  @ApiOkResponse({ type: LivenessDto })
  liveness(): LivenessDto {
    return {
      status: 'ok',
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: this.config.version,
    };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: database, Redis, the container engine and storage all answer',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    description: 'One or more dependencies are down; they are named',
  })
  async readiness(): Promise<ReadinessDto> {
    if (this.shutdown.draining) {
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'Not ready: shutting down');
    }
    try {
      const result = await this.health.check(this.readinessChecks());
      return { status: 'ok', checks: summarize(result.details) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.entries(result.details).filter(([, detail]) => detail.status !== 'up');
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        `Not ready: ${down.map(([name]) => name).join(', ')} unavailable`,
        down.map(([name, detail]) => ({ field: name, message: messageOf(detail) })),
      );
    }
  }

  private readinessChecks() {
    return [
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      () => this.redis.check('redis', CHECK_TIMEOUT_MS),
      () => this.containerEngine.check('docker', CHECK_TIMEOUT_MS),
      () => this.storage.check('storage', CHECK_TIMEOUT_MS),
    ];
  }
}

function summarize(details: HealthIndicatorResult): Record<string, string> {
  return Object.fromEntries(Object.entries(details).map(([name, detail]) => [name, detail.status]));
}

function messageOf(detail: { status: string; message?: unknown }): string {
  return typeof detail.message === 'string' && detail.message !== '' ? detail.message : 'down';
}
