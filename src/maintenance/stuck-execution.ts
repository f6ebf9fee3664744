/** What the recovery job does with an execution left `running`, given its BullMQ job state. */
export type StuckExecutionAction =
  { kind: 'leave' } | { kind: 'requeue'; reason: string } | { kind: 'fail'; reason: string };

const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export function stuckExecutionAction(
  job: { state: string; failedReason?: string } | null,
): StuckExecutionAction {
  if (job && LIVE_STATES.has(job.state)) return { kind: 'leave' };
  if (!job || job.state === 'unknown') {
    return { kind: 'requeue', reason: 'The queue lost the job of this running execution' };
  }
  if (job.state === 'failed') {
    return {
      kind: 'fail',
      reason: `The execution's job failed: ${job.failedReason ?? 'no reason recorded'}`,
    };
  }
  return { kind: 'fail', reason: "The execution's job ended without recording a result" };
}
