import { Module } from '@nestjs/common';
import { RuntimeContainerService } from './containers/runtime-container.service';
import { RuntimeNetworks } from './containers/runtime-networks.service';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsService } from './executions/executions.service';
import { ExecutorAuthGuard } from './http/executor-auth.guard';
import { RuntimeLifecycleService } from './lifecycle/runtime-lifecycle.service';
import { RuntimeStatsController } from './lifecycle/runtime-stats.controller';
import { RuntimeStatsService } from './lifecycle/runtime-stats.service';
import { RuntimeRegistry } from './registry/runtime-registry.service';
import { RuntimesController } from './runtimes.controller';
import { RuntimesService } from './runtimes.service';
import { LocalSourceFetcher, SOURCE_FETCHER } from './source/source-fetcher';

/** The OpenRuntimes executor API (`/v1`): runtimes and executions. */
@Module({
  controllers: [RuntimesController, ExecutionsController, RuntimeStatsController],
  providers: [
    RuntimeRegistry,
    RuntimeNetworks,
    RuntimeContainerService,
    RuntimesService,
    ExecutionsService,
    ExecutorAuthGuard,
    RuntimeLifecycleService,
    RuntimeStatsService,
    { provide: SOURCE_FETCHER, useClass: LocalSourceFetcher },
  ],
  exports: [RuntimesService, RuntimeRegistry, RuntimeContainerService, RuntimeLifecycleService],
})
export class RuntimesModule {}
