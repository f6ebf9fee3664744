import { Module } from '@nestjs/common';
import { SandboxPool } from './sandbox-pool';
import { SandboxRunner } from './sandbox-runner';
import { loadSeccompProfile, SANDBOX_SECCOMP_PROFILE } from './seccomp-profile';

/**
 * The one-shot sandbox runner of the task platform. Needs the global config and container engine;
 * the seccomp profile is read once, when the module starts (a missing or weak profile fails boot).
 * The warm pool (`SANDBOX_POOL_*`) lives here, so only roles that run sandboxes keep one.
 */
@Module({
  providers: [
    { provide: SANDBOX_SECCOMP_PROFILE, useFactory: () => loadSeccompProfile() },
    SandboxPool,
    SandboxRunner,
  ],
  exports: [SandboxRunner, SandboxPool],
})
export class SandboxModule {}
