import { Module } from '@nestjs/common';
import { RuntimeContainerService } from './containers/runtime-container.service';
import { RuntimeNetworks } from './containers/runtime-networks.service';
import { RuntimeExecutionsController } from './executions/runtime-executions.controller';
import { RuntimeExecutionsService } from './executions/runtime-executions.service';
import { ExecutorAuthGuard } from './http/executor-auth.guard';
import { ExecutorErrorRenderer } from './http/executor-error.renderer';
import { RuntimeEventsService } from './lifecycle/runtime-events.service';
import { ExecutorHealthController } from './lifecycle/executor-health.controller';
import { RuntimeLifecycleService } from './lifecycle/runtime-lifecycle.service';
import { RuntimeStatsController } from './lifecycle/runtime-stats.controller';
import { RuntimeStatsService } from './lifecycle/runtime-stats.service';
import { RuntimeRegistry } from './registry/runtime-registry.service';
import { RuntimesController } from './runtimes.controller';
import { RuntimesService } from './runtimes.service';
import { SOURCE_FETCHER, StorageSourceFetcher } from './source/source-fetcher';
import { BuildCacheService } from './builds/build-cache.service';
import { BuildRunner } from './builds/build-runner.service';
import { BuildLogStreamService } from './builds/build-log-stream.service';
import { BuildTracker } from './builds/build-tracker.service';
import { RuntimeCommandsService } from './commands/runtime-commands.service';

/** The OpenRuntimes executor API (`/v1`): runtimes and executions. */
@Module({
  controllers: [
    RuntimesController,
    RuntimeExecutionsController,
    RuntimeStatsController,
    ExecutorHealthController,
  ],
  providers: [
    RuntimeRegistry,
    RuntimeNetworks,
    RuntimeContainerService,
    RuntimesService,
    RuntimeExecutionsService,
    ExecutorAuthGuard,
    ExecutorErrorRenderer,
    BuildCacheService,
    BuildRunner,
    BuildLogStreamService,
    BuildTracker,
    RuntimeCommandsService,
    RuntimeLifecycleService,
    RuntimeEventsService,
    RuntimeStatsService,
    { provide: SOURCE_FETCHER, useClass: StorageSourceFetcher },
  ],
  exports: [
    ExecutorErrorRenderer,
    RuntimesService,
    RuntimeRegistry,
    RuntimeContainerService,
    RuntimeLifecycleService,
  ],
})
export class RuntimesModule {}
