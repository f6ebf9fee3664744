import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AllExceptionsFilter } from './common';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth';
import { LifecycleModule } from './common/lifecycle/shutdown-state';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule, RuncellConfig } from './config';
import { ContainerEngine, ContainerEngineModule } from './container-engine';
import { DatabaseModule } from './database/database.module';
import { ExecutionsApiModule } from './executions/executions-api.module';
import { ExecutionsModule } from './executions/executions.module';
import { ExecutionsWorkerModule } from './executions/executions-worker.module';
import { HealthModule } from './health/health.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { ExecutorErrorRenderer } from './runtimes/http/executor-error.renderer';
import { RuntimesModule } from './runtimes/runtimes.module';
import { StorageDrivers, StorageModule } from './storage';
import { LanguagesModule } from './languages/languages.module';
import { TasksApiModule } from './tasks/tasks-api.module';

/** How an application is built; everything but the configuration is optional. */
export interface AppOptions {
  /** Where logs go instead of stdout (tests). */
  logDestination?: DestinationStream;
  /**
   * Modules of your own, added after Runcell's: their routes get the global auth guard, the
   * validation pipe and the error envelope; their `@MaintenanceJob()` providers are scheduled.
   */
  imports?: AppModuleImport[];
  /** The container engine every module uses, instead of Docker (`DOCKER_HOST`). */
  containerEngine?: ContainerEngine;
  /** Storage drivers instead of those of `URT_CONNECTION_STORAGE` and its build-cache twin. */
  storage?: StorageDrivers;
}

export type AppModuleImport = Type | DynamicModule | Promise<DynamicModule>;

@Module({})
export class AppModule {
  static forRoot(config: RuncellConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(options.logDestination),
        LifecycleModule,
        MetricsModule,
        DatabaseModule,
        RedisModule,
        ContainerEngineModule.forRoot(options.containerEngine),
        StorageModule.forRoot(options.storage),
        HealthModule,
        AuthModule,
        LanguagesModule,
        TasksApiModule,
        ExecutionsModule,
        ...(config.appRole !== 'worker' ? [ExecutionsApiModule] : []),
        ...(config.appRole !== 'api' ? [ExecutionsWorkerModule] : []),
        RuntimesModule,
        MaintenanceModule,
        ...(options.imports ?? []),
      ],
      providers: [
        {
          // The one global filter, with the `/v1` dialect's renderer.
          provide: APP_FILTER,
          inject: [ExecutorErrorRenderer],
          useFactory: (executorErrors: ExecutorErrorRenderer) =>
            new AllExceptionsFilter([executorErrors.render]),
        },
      ],
    };
  }
}
