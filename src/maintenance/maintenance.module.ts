import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '../auth';
import { ExecutionsModule } from '../executions/executions.module';
import { RuntimesModule } from '../runtimes/runtimes.module';
import { ExecutionRetentionService } from './execution-retention.service';
import { MaintenanceService } from './maintenance.service';
import { TasksModule } from '../tasks/tasks.module';
import { StuckExecutionsService } from './stuck-executions.service';

/**
 * Scheduled clean-up: idle and orphaned runtimes, expired refresh tokens, stuck executions,
 * executions past their retention, and every `@MaintenanceJob()` other modules declare (such as
 * the worker's orphaned-sandbox sweep).
 */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    DiscoveryModule,
    AuthModule,
    RuntimesModule,
    TasksModule,
    ExecutionsModule,
  ],
  providers: [MaintenanceService, StuckExecutionsService, ExecutionRetentionService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
