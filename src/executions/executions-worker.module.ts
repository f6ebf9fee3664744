import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { ExecutionsModule } from './executions.module';
import { ExecutionRunService } from './queue/execution-run.service';
import { ExecutionProcessor } from './queue/execution.processor';
import { WorkerHeartbeatService } from './queue/worker-heartbeat.service';
import { SANDBOX_RUNNER } from './sandbox-runner.token';
import { OrphanSandboxesJob } from './sandbox/orphan-sandboxes.job';
import { SandboxModule } from './sandbox/sandbox.module';
import { SandboxRunner } from './sandbox/sandbox-runner';

/**
 * The queue worker, in the `worker` and `all` roles: it claims queued executions and runs them in
 * sandboxes, announces itself for `/health/workers` and sweeps this instance's orphaned sandboxes.
 */
@Module({
  imports: [ExecutionsModule, TasksModule, SandboxModule],
  providers: [
    ExecutionRunService,
    ExecutionProcessor,
    WorkerHeartbeatService,
    { provide: SANDBOX_RUNNER, useExisting: SandboxRunner },
    OrphanSandboxesJob,
  ],
})
export class ExecutionsWorkerModule {}
