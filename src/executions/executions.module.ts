import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppRole } from '../config';
import { TASK_ACTIVITY } from '../tasks/task-activity';
import { TasksModule } from '../tasks/tasks.module';
import { ExecutionEntity } from './execution.entity';
import { ExecutionsController } from './executions.controller';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { CancellationBus } from './live-output/cancellation-bus';
import { ExecutionLogsService } from './live-output/execution-logs.service';
import { ExecutionOutputStore } from './live-output/execution-output.store';
import { LiveStreamSlots } from './live-output/live-stream-slots';
import { EXECUTIONS_QUEUE } from './queue/execution-queue.constants';
import { ExecutionQueueProducer } from './queue/execution-queue.producer';
import { ExecutionRunService } from './queue/execution-run.service';
import { ExecutionProcessor } from './queue/execution.processor';
import { WorkerHeartbeatService } from './queue/worker-heartbeat.service';
import { SANDBOX_RUNNER } from './sandbox-runner.token';
import { SandboxModule } from './sandbox/sandbox.module';
import { SandboxRunner } from './sandbox/sandbox-runner';
import { ExecutionWaiters } from './wait/execution-waiters';
import { SynchronousExecutionsService } from './wait/synchronous-executions.service';
import { WorkersHealthController } from './workers-health.controller';

/**
 * Executions: the API side (create, list, cancel, live output) in `api` and `all` roles, the
 * queue worker (sandbox runs) in `worker` and `all` roles.
 */
@Module({})
export class ExecutionsModule {
  static forRole(role: AppRole): DynamicModule {
    const serveApi = role !== 'worker';
    const runWorker = role !== 'api';
    const workerProviders: Provider[] = runWorker
      ? [
          ExecutionRunService,
          ExecutionProcessor,
          WorkerHeartbeatService,
          { provide: SANDBOX_RUNNER, useExisting: SandboxRunner },
        ]
      : [];
    const controllers: Type[] = serveApi ? [ExecutionsController, WorkersHealthController] : [];
    return {
      module: ExecutionsModule,
      imports: [
        TasksModule,
        TypeOrmModule.forFeature([ExecutionEntity]),
        BullModule.registerQueue({ name: EXECUTIONS_QUEUE }),
        ...(runWorker ? [SandboxModule] : []),
      ],
      controllers,
      providers: [
        ExecutionsRepository,
        ExecutionsService,
        ExecutionQueueProducer,
        ExecutionOutputStore,
        ExecutionLogsService,
        LiveStreamSlots,
        CancellationBus,
        ExecutionWaiters,
        SynchronousExecutionsService,
        { provide: TASK_ACTIVITY, useExisting: ExecutionsService },
        ...workerProviders,
      ],
      exports: [ExecutionsService, ExecutionsRepository, ExecutionQueueProducer],
    };
  }
}
