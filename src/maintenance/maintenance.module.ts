import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '../auth';
import { RuntimesModule } from '../runtimes/runtimes.module';
import { ExecutionRetentionService } from './execution-retention.service';
import { MaintenanceService } from './maintenance.service';
import { OrphanSandboxesService } from './orphan-sandboxes.service';
import { StuckExecutionsService } from './stuck-executions.service';

/** Scheduled clean-up: idle and orphaned runtimes, expired refresh tokens, stuck executions,
 * orphaned sandboxes, executions past their retention. */
@Module({
  imports: [ScheduleModule.forRoot(), AuthModule, RuntimesModule],
  providers: [
    MaintenanceService,
    StuckExecutionsService,
    OrphanSandboxesService,
    ExecutionRetentionService,
  ],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
