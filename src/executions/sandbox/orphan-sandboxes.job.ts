import { Inject, Injectable } from '@nestjs/common';
import { MaintenanceJob, MaintenanceTask } from '../../maintenance/maintenance-job';
import { ExecutionRecordsService } from '../execution-records.service';
import { SANDBOX_RUNNER } from '../sandbox-runner.token';
import type { SandboxRunnerContract } from './sandbox.types';

/** Sandboxes younger than this may belong to an execution being claimed right now. */
export const ORPHAN_SANDBOX_MIN_AGE_MS = 60_000;

/**
 * Removes this instance's sandboxes whose execution is no longer running. Sandboxes carry the
 * instance id, so every worker instance sweeps its own (no cross-replica lock).
 */
@MaintenanceJob({ name: 'maintenance:sandboxes', scope: 'instance' })
@Injectable()
export class OrphanSandboxesJob implements MaintenanceTask {
  constructor(
    private readonly executions: ExecutionRecordsService,
    @Inject(SANDBOX_RUNNER) private readonly sandboxes: SandboxRunnerContract,
  ) {}

  run(): Promise<string[]> {
    return this.removeOrphans();
  }

  async removeOrphans(minAgeMs = ORPHAN_SANDBOX_MIN_AGE_MS): Promise<string[]> {
    return this.sandboxes.removeOrphans(await this.executions.runningIds(), { minAgeMs });
  }
}
