import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { TaskChangesService } from './task-changes.service';
import { TasksController } from './tasks.controller';
import { TasksModule } from './tasks.module';

/**
 * The task routes. Above `ExecutionsModule` in the graph (tasks ← executions ← tasks API):
 * changing or deleting a task asks the executions module about the task's executions.
 */
@Module({
  imports: [TasksModule, ExecutionsModule],
  controllers: [TasksController],
  providers: [TaskChangesService],
})
export class TasksApiModule {}
