import { stuckExecutionAction } from './stuck-execution';

describe('stuckExecutionAction', () => {
  it.each(['active', 'waiting', 'delayed', 'prioritized'])('leaves a %s job alone', (state) => {
    expect(stuckExecutionAction({ state })).toEqual({ kind: 'leave' });
  });

  it('requeues an execution whose job is gone', () => {
    expect(stuckExecutionAction(null).kind).toBe('requeue');
    expect(stuckExecutionAction({ state: 'unknown' }).kind).toBe('requeue');
  });

  it('fails an execution whose job failed, with the reason', () => {
    expect(stuckExecutionAction({ state: 'failed', failedReason: 'worker stalled' })).toEqual({
      kind: 'fail',
      reason: "The execution's job failed: worker stalled",
    });
  });

  it('fails an execution whose job completed without a result', () => {
    expect(stuckExecutionAction({ state: 'completed' }).kind).toBe('fail');
  });
});
