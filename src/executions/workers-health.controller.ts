import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import Redis from 'ioredis';
import { Public } from '../common';
import { InjectConfig, RuncellConfig } from '../config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { ExecutionRecordsService } from './execution-records.service';
import { ExecutionQueueProducer } from './queue/execution-queue.producer';
import { WorkerBeat, workerKeyPrefix } from './queue/worker-heartbeat.service';

class WorkerBeatDto implements WorkerBeat {
  @ApiProperty({ example: 'host-123' })
  id!: string;

  @ApiProperty({ example: 'host' })
  hostname!: string;

  @ApiProperty({ example: 4, description: 'Sandboxes the worker runs at once' })
  concurrency!: number;

  @ApiProperty({ example: 1, description: 'Executions running on it now' })
  active!: number;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', format: 'date-time' })
  last_heartbeat!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    example: { python: 2, javascript: 1, bash: 1 },
    description: 'Warm sandboxes ready per language; null when the worker keeps no pool',
  })
  sandbox_pool!: Record<string, number> | null;
}

class WorkersHealthDto {
  @ApiProperty({ type: [WorkerBeatDto] })
  workers!: WorkerBeatDto[];

  @ApiProperty({ example: { waiting: 0, active: 1, delayed: 0, failed: 0, completed: 10 } })
  queue!: Record<string, number>;

  @ApiProperty({ example: { running: 1, avg_run_ms_5m: 120 } })
  executions!: { running: number; avg_run_ms_5m: number | null };
}

@ApiTags('health')
@Public()
@Controller('health')
export class WorkersHealthController {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectConfig() private readonly config: RuncellConfig,
    private readonly queue: ExecutionQueueProducer,
    private readonly executions: ExecutionRecordsService,
  ) {}

  @Get('workers')
  @ApiOperation({ summary: 'Workers seen in the last 30 s, queue counts, running executions' })
  @ApiOkResponse({ type: WorkersHealthDto })
  async workers(): Promise<WorkersHealthDto> {
    const [workers, queue, running, average] = await Promise.all([
      this.liveWorkers(),
      this.queue.counts(),
      this.executions.countRunning(),
      this.executions.averageRunMsSince(new Date(Date.now() - 5 * 60_000)),
    ]);
    return { workers, queue: { ...queue }, executions: { running, avg_run_ms_5m: average } };
  }

  private async liveWorkers(): Promise<WorkerBeatDto[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(
        cursor,
        'MATCH',
        `${workerKeyPrefix(this.config)}*`,
        'COUNT',
        100,
      );
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as WorkerBeat)
      .map((beat) => ({ ...beat, sandbox_pool: beat.sandbox_pool ?? null }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}
