export const EXECUTIONS_QUEUE = 'executions';

export interface ExecutionJobData {
  executionId: string;
}

/** Task priority 0–10 (higher first) to BullMQ priority (1 is served first). */
export function queuePriority(priority: number): number {
  return 11 - Math.min(10, Math.max(0, priority));
}
