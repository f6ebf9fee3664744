/**
 * What the tasks module needs to know about a task's executions, implemented by the executions
 * module (which depends on tasks, not the other way round) and found at run time.
 */
export const TASK_ACTIVITY = Symbol('TASK_ACTIVITY');

export interface TaskActivity {
  hasActiveExecutions(taskId: string): Promise<boolean>;
  /** Cancels every pending or running execution of the task; resolves when they are stopped. */
  cancelActiveExecutions(taskId: string): Promise<void>;
}
