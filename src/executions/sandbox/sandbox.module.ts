import { Module } from '@nestjs/common';
import { SandboxRunner } from './sandbox-runner';
import { loadSeccompProfile, SANDBOX_SECCOMP_PROFILE } from './seccomp-profile';

/**
 * The one-shot sandbox runner of the task platform. Needs the global config and container engine;
 * the seccomp profile is read once, when the module starts (a missing or weak profile fails boot).
 */
@Module({
  providers: [
    { provide: SANDBOX_SECCOMP_PROFILE, useFactory: () => loadSeccompProfile() },
    SandboxRunner,
  ],
  exports: [SandboxRunner],
})
export class SandboxModule {}
