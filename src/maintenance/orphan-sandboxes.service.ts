import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExecutionsRepository } from '../executions/executions.repository';
import { SandboxRunnerContract } from '../executions/sandbox/sandbox.types';
import { SANDBOX_RUNNER } from '../executions/sandbox-runner.token';

/** Sandboxes younger than this may belong to an execution being claimed right now. */
export const ORPHAN_SANDBOX_MIN_AGE_MS = 60_000;

/** Removes this instance's sandboxes whose execution is no longer running (worker roles only). */
@Injectable()
export class OrphanSandboxesService implements OnModuleInit {
  private executions?: ExecutionsRepository;
  private sandboxes?: SandboxRunnerContract;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Looked up in the application: the executions module is built per role (`forRole`). */
  onModuleInit(): void {
    this.executions = this.moduleRef.get(ExecutionsRepository, { strict: false });
    try {
      this.sandboxes = this.moduleRef.get<SandboxRunnerContract>(SANDBOX_RUNNER, {
        strict: false,
      });
    } catch {
      this.sandboxes = undefined; // An API-only instance runs no sandboxes.
    }
  }

  async removeOrphans(minAgeMs = ORPHAN_SANDBOX_MIN_AGE_MS): Promise<string[]> {
    if (!this.sandboxes || !this.executions) return [];
    return this.sandboxes.removeOrphans(await this.executions.runningIds(), { minAgeMs });
  }
}
