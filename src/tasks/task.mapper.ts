import { TaskDto } from './dto/task.dto';
import { TaskEntity } from './task.entity';

export function toTaskDto(task: TaskEntity): TaskDto {
  return {
    id: task.id,
    user_id: task.userId,
    name: task.name,
    description: task.description,
    script_content: task.scriptContent,
    script_type: task.scriptType,
    priority: task.priority,
    timeout_seconds: task.timeoutSeconds,
    memory_mb: task.memoryMb,
    cpus: task.cpus,
    metadata: task.metadata,
    status: task.status,
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
    last_execution_id: task.lastExecutionId,
  };
}
