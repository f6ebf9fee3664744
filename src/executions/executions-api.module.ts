import { Module } from '@nestjs/common';
import { ExecutionsController } from './executions.controller';
import { ExecutionsModule } from './executions.module';
import { WorkersHealthController } from './workers-health.controller';

/** The executions routes and `/health/workers`, in the `api` and `all` roles. */
@Module({
  imports: [ExecutionsModule],
  controllers: [ExecutionsController, WorkersHealthController],
})
export class ExecutionsApiModule {}
