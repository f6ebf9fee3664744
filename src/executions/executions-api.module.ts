import { Module } from '@nestjs/common';
import { ExecutionsController } from './executions.controller';
import { ExecutionsModule } from './executions.module';
import { ExecutionWaiters } from './wait/execution-waiters';
import { SynchronousExecutionsService } from './wait/synchronous-executions.service';
import { WorkersHealthController } from './workers-health.controller';

/**
 * The executions routes (with the synchronous `?wait=` mode) and `/health/workers`, in the `api`
 * and `all` roles.
 */
@Module({
  imports: [ExecutionsModule],
  controllers: [ExecutionsController, WorkersHealthController],
  providers: [ExecutionWaiters, SynchronousExecutionsService],
})
export class ExecutionsApiModule {}
