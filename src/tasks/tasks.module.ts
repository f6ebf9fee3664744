import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TaskEntity } from './task.entity';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/** Stored tasks. The routes are in `TasksApiModule`, which also knows about executions. */
@Module({
  imports: [TypeOrmModule.forFeature([TaskEntity])],
  providers: [TasksRepository, TasksService],
  exports: [TasksService],
})
export class TasksModule {}
