/** The sandbox runner the worker uses (`SandboxRunnerContract`); bound in `ExecutionsModule`. */
export const SANDBOX_RUNNER = Symbol('SANDBOX_RUNNER');
