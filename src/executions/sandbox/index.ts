export * from './sandbox.errors';
export * from './sandbox.module';
export * from './sandbox.types';
export { SandboxRunner } from './sandbox-runner';
export { LABEL_EXECUTION_ID, sandboxName } from './sandbox-container.factory';
export { SandboxPool } from './sandbox-pool';
