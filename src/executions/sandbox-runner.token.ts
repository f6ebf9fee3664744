/** The sandbox runner the worker uses (`SandboxRunnerContract`); bound in `ExecutionsWorkerModule`. */
export const SANDBOX_RUNNER = Symbol('SANDBOX_RUNNER');
