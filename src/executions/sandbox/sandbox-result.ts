import type { SandboxStatus } from './sandbox.types';

/** Why the runner ended the run itself, if it did. */
export type RunnerEnding = 'timeout' | 'cancelled' | undefined;

/** The runner's own reason wins over the exit code: a killed process exits 137 either way. */
export function classifyRun(ending: RunnerEnding, exitCode: number | null): SandboxStatus {
  if (ending === 'cancelled') return 'cancelled';
  if (ending === 'timeout') return 'timeout';
  return exitCode === 0 ? 'completed' : 'failed';
}
