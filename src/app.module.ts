import { DynamicModule, Module } from '@nestjs/common';
import { LifecycleModule } from './common/lifecycle/shutdown-state';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule, RuncellConfig } from './config';
import { ContainerEngineModule } from './container-engine';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { StorageModule } from './storage';

@Module({})
export class AppModule {
  static forRoot(config: RuncellConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        LifecycleModule,
        MetricsModule,
        DatabaseModule,
        RedisModule,
        ContainerEngineModule,
        StorageModule,
        HealthModule,
      ],
    };
  }
}
