import { DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './common/logging/logging.module';
import { ConfigModule, RuncellConfig } from './config';
import { ContainerEngineModule } from './container-engine';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { RedisModule } from './redis/redis.module';
import { RuntimesModule } from './runtimes/runtimes.module';

@Module({})
export class AppModule {
  static forRoot(config: RuncellConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        ContainerEngineModule,
        HealthModule,
        RuntimesModule,
      ],
    };
  }
}
