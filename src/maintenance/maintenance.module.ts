import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '../auth';
import { RuntimesModule } from '../runtimes/runtimes.module';
import { MaintenanceService } from './maintenance.service';

/** Scheduled clean-up jobs: idle and orphaned runtimes, expired refresh tokens. */
@Module({
  imports: [ScheduleModule.forRoot(), AuthModule, RuntimesModule],
  providers: [MaintenanceService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
