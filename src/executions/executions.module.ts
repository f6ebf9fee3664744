import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TasksModule } from '../tasks/tasks.module';
import { ExecutionEntity } from './execution.entity';
import { ExecutionRecordsService } from './execution-records.service';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { CancellationBus } from './live-output/cancellation-bus';
import { ExecutionLogsService } from './live-output/execution-logs.service';
import { ExecutionOutputStore } from './live-output/execution-output.store';
import { LiveStreamSlots } from './live-output/live-stream-slots';
import { EXECUTIONS_QUEUE } from './queue/execution-queue.constants';
import { ExecutionQueueProducer } from './queue/execution-queue.producer';

/**
 * Executions in every role: the records, the queue producer, cancellation and live output. The
 * role parts build on it: `ExecutionsApiModule` (routes) and `ExecutionsWorkerModule` (the queue
 * worker), which `AppModule` adds by `APP_ROLE`.
 */
@Module({
  imports: [
    TasksModule,
    TypeOrmModule.forFeature([ExecutionEntity]),
    BullModule.registerQueue({ name: EXECUTIONS_QUEUE }),
  ],
  providers: [
    ExecutionsRepository,
    ExecutionRecordsService,
    ExecutionsService,
    ExecutionQueueProducer,
    ExecutionOutputStore,
    ExecutionLogsService,
    LiveStreamSlots,
    CancellationBus,
  ],
  exports: [
    ExecutionsService,
    ExecutionRecordsService,
    ExecutionQueueProducer,
    ExecutionOutputStore,
    ExecutionLogsService,
    CancellationBus,
  ],
})
export class ExecutionsModule {}
